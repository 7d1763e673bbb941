#!/bin/sh
# Shows rest-server's configuration and build; with REST_SERVER_SERVE=1 it
# serves /opt/rest-server/www (GET /api/v1 returns the version) with busybox httpd.
set -e
. /etc/rest-server/build-info.env
port=$(sed -n 's/^port=//p' /etc/rest-server/rest-server.conf)
echo "rest-server $REST_SERVER_VERSION ($REST_SERVER_IMAGE)"
echo "config:"
sed 's/^/  /' /etc/rest-server/rest-server.conf
echo "files: $(grep -c '"sha256"' /usr/share/rest-server/manifest.json) in manifest"
if [ "${REST_SERVER_SERVE:-0}" = 1 ]; then
	echo "listening on :$port"
	exec httpd -f -p "$port" -h /opt/rest-server/www
fi
