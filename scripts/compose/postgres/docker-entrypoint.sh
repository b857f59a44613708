#!/bin/bash
# docker-entrypoint.sh — entrypoint of the postgres:15 stand-in image. Run as
# `docker-entrypoint.sh postgres [-c name=value ...]`: as root it fixes the
# ownership of PGDATA and re-runs itself as `postgres`; on the first start
# (empty PGDATA) it runs initdb with POSTGRES_USER as the superuser and
# POSTGRES_PASSWORD as its password, creates POSTGRES_DB, then execs the
# server. Any other command runs as given.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"

say() { echo "entrypoint: $*" >&2; }

# `docker run IMAGE -c x=y` means `postgres -c x=y`, as in the official image.
if [[ $# -eq 0 || ${1:0:1} == - ]]; then
	set -- postgres "$@"
fi
if [[ $1 != postgres ]]; then
	exec "$@"
fi

if ((EUID == 0)); then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown -R postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
	if [[ -z ${POSTGRES_PASSWORD:-} ]]; then
		say "POSTGRES_PASSWORD is not set: the database would accept no network login" >&2
		exit 1
	fi
	say "initialising $PGDATA for user $POSTGRES_USER, database $POSTGRES_DB"
	pwfile=$(mktemp)
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
	initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 \
		--locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 \
		-D "$PGDATA" >/dev/null
	rm -f "$pwfile"
	# Any address may connect with the password; listen on all of them unless
	# the command line says otherwise (`-c listen_addresses=...`).
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"

	# A private server on the Unix socket only, to create the database.
	pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses=''" start
	if [[ $POSTGRES_DB != postgres ]]; then
		psql -v ON_ERROR_STOP=1 -X -q -U "$POSTGRES_USER" -d postgres \
			-v db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
	fi
	pg_ctl -D "$PGDATA" -w -s -m fast stop
	say "initialised; starting the server"
fi

exec "$@"
