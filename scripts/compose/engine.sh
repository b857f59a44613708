# engine.sh — sourced by scripts/test-compose: finds a Docker engine to talk
# to, or starts a private one, and stops only what it started.
#
# engine_start sets and exports DOCKER_HOST. An engine named by DOCKER_HOST,
# or answering on /var/run/docker.sock, is used as it is. Otherwise it starts
#   dockerd --bridge=none --iptables=false ...
# with its socket, pidfile and exec-root in a temporary directory and its
# data-root (images, build cache) under $SC_CACHE/docker, so base images and
# layers survive between runs. engine_stop stops that daemon (SIGTERM, then
# SIGKILL after 20 s) and removes the temporary directory.
#
# Needs: $DOCKER (the docker client), $SC_CACHE, a say() function.
# shellcheck shell=bash

ENGINE_STARTED=0
ENGINE_PID=
ENGINE_TMP=

engine_ping() {
	timeout 10 "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

engine_start() {
	if [[ -n ${DOCKER_HOST:-} ]]; then
		engine_ping || { say "DOCKER_HOST=$DOCKER_HOST does not answer"; return 1; }
		say "using the engine at DOCKER_HOST=$DOCKER_HOST"
		return 0
	fi
	if [[ -S /var/run/docker.sock ]]; then
		export DOCKER_HOST=unix:///var/run/docker.sock
		if engine_ping; then
			say "using the running engine at $DOCKER_HOST"
			return 0
		fi
		unset DOCKER_HOST
	fi

	local dockerd
	dockerd=$(command -v dockerd) || { say "dockerd not found"; return 1; }
	# A socket path must stay under ~100 bytes: keep it short, in /tmp.
	ENGINE_TMP=$(mktemp -d /tmp/sc-dockerd.XXXXXX)
	mkdir -p "$SC_CACHE/docker"
	export DOCKER_HOST=unix://$ENGINE_TMP/docker.sock
	say "starting a private dockerd (data-root $SC_CACHE/docker, socket $ENGINE_TMP/docker.sock)"
	"$dockerd" \
		--bridge=none --iptables=false --ip6tables=false --ip-masq=false \
		--userland-proxy=false \
		--data-root "$SC_CACHE/docker" \
		--exec-root "$ENGINE_TMP/exec" \
		--pidfile "$ENGINE_TMP/dockerd.pid" \
		--host "$DOCKER_HOST" \
		--log-level warn \
		>"$ENGINE_TMP/dockerd.log" 2>&1 &
	ENGINE_PID=$!
	ENGINE_STARTED=1

	local i
	for ((i = 0; i < 120; i++)); do
		if engine_ping; then
			say "dockerd $("$DOCKER" version --format '{{.Server.Version}}') ready (pid $ENGINE_PID)"
			return 0
		fi
		if ! kill -0 "$ENGINE_PID" 2>/dev/null; then
			break
		fi
		sleep 0.5
	done
	say "dockerd did not come up; its log ends with:"
	tail -n 25 "$ENGINE_TMP/dockerd.log" >&2 || true
	return 1
}

engine_stop() {
	((ENGINE_STARTED)) || return 0
	ENGINE_STARTED=0
	if [[ -n $ENGINE_PID ]] && kill -0 "$ENGINE_PID" 2>/dev/null; then
		kill -TERM "$ENGINE_PID" 2>/dev/null || true
		local i
		for ((i = 0; i < 40; i++)); do
			kill -0 "$ENGINE_PID" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$ENGINE_PID" 2>/dev/null; then
			say "dockerd (pid $ENGINE_PID) ignored SIGTERM; killing it"
			kill -KILL "$ENGINE_PID" 2>/dev/null || true
		fi
		wait "$ENGINE_PID" 2>/dev/null || true
	fi
	# dockerd mounts its exec-root's netns directory; it is gone once dockerd
	# stops, but never let rm walk into a mount left behind.
	if [[ -n $ENGINE_TMP ]]; then
		local m
		while read -r m; do
			umount -l "$m" 2>/dev/null || true
		done < <(awk -v p="$ENGINE_TMP/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
		rm -rf --one-file-system "$ENGINE_TMP"
	fi
}
