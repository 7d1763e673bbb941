#!/bin/sh
# Stands in for fateboard.jar: shows its settings; FATEBOARD_SERVE=1 serves a page.
fate-banner fateboard
sed 's/^/  /' /data/projects/fate/fateboard/conf/application.properties
if [ "${FATEBOARD_SERVE:-0}" = 1 ]; then
	mkdir -p /tmp/www && echo '<h1>FATE Board</h1>' > /tmp/www/index.html
	exec httpd -f -p 8080 -h /tmp/www
fi
