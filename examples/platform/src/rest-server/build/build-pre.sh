#!/usr/bin/env bash
# Writes two files before rest-server's image builds:
#   generated/manifest.json  version, image reference and a sha256 of every
#                            server file; dockyard keeps what a component
#                            leaves in generated/
#   build-info.env           the same facts as variables, COPYed into the
#                            image; build-post.sh removes it
# Both are deterministic, so an unchanged component keeps its input key.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=$(cat VERSION)
tag=${DOCKYARD_IMAGE_TAG:-dev}
ref="${DOCKYARD_REGISTRY:+$DOCKYARD_REGISTRY/}${DOCKYARD_NAMESPACE:+$DOCKYARD_NAMESPACE/}rest-server:$tag"

mkdir -p generated
{
	printf '{\n  "component": "%s",\n  "version": "%s",\n  "image": "%s",\n  "files": [\n' \
		"${DOCKYARD_COMPONENT:-rest-server}" "$version" "$ref"
	sep=""
	while IFS= read -r f; do
		printf '%s    {"path": "%s", "sha256": "%s"}' "$sep" "$f" "$(sha256sum "$f" | cut -d ' ' -f 1)"
		sep=$',\n'
	done < <(find server -type f | LC_ALL=C sort)
	printf '\n  ]\n}\n'
} > generated/manifest.json

cat > build-info.env <<INFO
REST_SERVER_VERSION=$version
REST_SERVER_IMAGE=$ref
INFO
echo "rest-server: wrote generated/manifest.json and build-info.env for $ref"
