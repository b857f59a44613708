# images.sh — sourced by scripts/test-compose: the base images that
# docker-compose.yml and the Dockerfile name, made locally because no
# registry is reachable:
#   debian:bookworm-slim  `docker import` of scripts/compose/mkrootfs's tar
#   postgres:15           scripts/compose/postgres/ built on the image above
# Each made image carries the label org.smartcourse.recipe, a hash of what it
# was made from; a matching image is reused, a stale one is remade. An image
# of that name without the label (the real one, pulled) is used as it is.
# The rootfs tar is cached in $SC_CACHE, keyed the same way.
#
# Needs: $DOCKER, $SC_CACHE, $REPO, $DEBIAN_MIRROR, a say() function.
# shellcheck shell=bash

RECIPE_LABEL=org.smartcourse.recipe

# The Debian mirror the machine's apt uses for bookworm: the first URI of a
# deb822 stanza (sources.list.d/*.sources) or a one-line entry
# (sources.list, sources.list.d/*.list) whose suites include bookworm.
# SMARTCOURSE_DEBIAN_MIRROR overrides it.
apt_mirror() {
	if [[ -n ${SMARTCOURSE_DEBIAN_MIRROR:-} ]]; then
		echo "$SMARTCOURSE_DEBIAN_MIRROR"
		return
	fi
	local files=() f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -f $f ]] && files+=("$f")
	done
	if ((${#files[@]})); then
		awk '
			function flush() {
				if (uris != "" && types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && !found) {
					split(uris, u, " "); print u[1]; found = 1
				}
				uris = types = suites = ""
			}
			FNR == 1 { flush() }
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			tolower($1) == "uris:" { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 " " }
			END { flush() }
		' "${files[@]}" | head -n 1 | grep . && return
	fi
	files=()
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] && files+=("$f")
	done
	if ((${#files[@]})); then
		awk '
			$1 != "deb" { next }
			{ i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } }
			$(i + 1) == "bookworm" { print $i; exit }
		' "${files[@]}" | head -n 1 | grep . && return
	fi
	return 1
}

image_recipe() {
	"$DOCKER" image inspect --format "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null
}

# ensure_image NAME HASH MAKE_FUNCTION: reuse, or (re)make.
ensure_image() {
	local name=$1 hash=$2 make=$3 have
	if ! "$DOCKER" image inspect "$name" >/dev/null 2>&1; then
		say "$name: not in the engine; making it"
	else
		have=$(image_recipe "$name")
		if [[ -z $have || $have == "<no value>" ]]; then
			say "$name: present and not ours (a pulled image); using it"
			return 0
		fi
		if [[ $have == "$hash" ]]; then
			say "$name: cached (recipe ${hash:0:12})"
			return 0
		fi
		say "$name: recipe changed (${have:0:12} -> ${hash:0:12}); remaking it"
	fi
	"$make" "$name" "$hash"
}

make_base() {
	local name=$1 hash=$2 tarball=$SC_CACHE/debian-bookworm-minbase-${2:0:16}.tar
	if [[ ! -s $tarball ]]; then
		say "debootstrap --variant=minbase bookworm from the machine's mirror (a few minutes)"
		local started=$SECONDS
		"$REPO/scripts/compose/mkrootfs" "$tarball" "$DEBIAN_MIRROR" || return 1
		say "rootfs made in $((SECONDS - started)) s: $tarball"
		# Older tars of other recipes are dead weight.
		find "$SC_CACHE" -maxdepth 1 -name 'debian-bookworm-minbase-*.tar' \
			! -path "$tarball" -delete
	else
		say "rootfs tar cached: $tarball"
	fi
	"$DOCKER" import \
		--change "LABEL $RECIPE_LABEL=$hash" \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["bash"]' \
		"$tarball" "$name" >/dev/null
}

make_postgres() {
	local name=$1 hash=$2
	"$DOCKER" build --network host --label "$RECIPE_LABEL=$hash" \
		--build-arg "DEBIAN_MIRROR=$DEBIAN_MIRROR" \
		-t "$name" "$REPO/scripts/compose/postgres" >"$SC_LOG_DIR/postgres-image.log" 2>&1 || {
		tail -n 30 "$SC_LOG_DIR/postgres-image.log" >&2
		return 1
	}
}

base_hash() {
	{
		cat "$REPO/scripts/compose/mkrootfs"
		echo "$DEBIAN_MIRROR"
	} | sha256sum | cut -d' ' -f1
}

# Keyed by the base image it is built on, too.
postgres_hash() {
	{
		"$DOCKER" image inspect --format '{{.Id}}' debian:bookworm-slim
		cat "$REPO/scripts/compose/postgres/Dockerfile" \
			"$REPO/scripts/compose/postgres/docker-entrypoint.sh"
		echo "$DEBIAN_MIRROR"
	} | sha256sum | cut -d' ' -f1
}

ensure_base_images() {
	ensure_image debian:bookworm-slim "$(base_hash)" make_base &&
		ensure_image postgres:15 "$(postgres_hash)" make_postgres
}
