#!/usr/bin/env bash
# Test only: local stand-ins for the base images the Dockerfiles name, for machines that reach
# Debian's and npm's package registries but no image registry. Images already present (real or
# stand-in) are kept, so the stand-ins are built once per machine.
#   debian:bookworm-slim, debian:bookworm  `debootstrap --variant=minbase bookworm`
#   node:20-bookworm-slim, node:20-bookworm  the Debian base, plus this host's Node laid out as
#                                            the official node image lays it out (/usr/local, user node)
# Both carry this host's trusted CA certificates, so TLS to the registries works from a build
# here as it does on a real machine; nothing of the kind is in the Dockerfiles.
set -euo pipefail
work="$(mktemp -d /var/tmp/litsxg-stand-ins.XXXXXX)"
trap 'rm -rf "$work"' EXIT

have() { podman image exists "$1"; }

if ! have debian:bookworm-slim; then
  debootstrap --variant=minbase bookworm "$work/debian" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$work/debian/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$work/debian/var/cache/apt/archives/"*.deb "$work/debian/var/lib/apt/lists/"*
  tar -C "$work/debian" -c . | podman import --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$work/debian"
fi
have debian:bookworm || podman tag debian:bookworm-slim debian:bookworm

if ! have node:20-bookworm-slim; then
  node="$(readlink -f "$(command -v node)")"
  mkdir -p "$work/node/usr/local/bin"
  cp "$node" "$work/node/usr/local/bin/node"
  # Headers for native modules, where the official image has them (and node-gyp is told so
  # below, rather than downloading them).
  mkdir -p "$work/node/usr/local/include"
  cp -a "$(dirname "$node")/../include/node" "$work/node/usr/local/include/node"
  npm_dir="$(npm root -g)/npm"
  mkdir -p "$work/node/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$work/node/usr/local/lib/node_modules/npm"
  cat > "$work/Containerfile" <<'CONTAINERFILE'
FROM debian:bookworm-slim
COPY usr/local /usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    npm_config_nodedir=/usr/local
CMD ["node"]
CONTAINERFILE
  podman build --quiet --tag node:20-bookworm-slim --file "$work/Containerfile" "$work/node" >/dev/null
fi
# The full node image has a compiler for native modules: the stand-in adds Debian's.
if ! have node:20-bookworm; then
  printf 'FROM node:20-bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*\n' \
    | podman build --quiet --tag node:20-bookworm --file - "$work" >/dev/null
fi
