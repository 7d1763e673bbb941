# rest-server is the platform's API server. Its FROM names the runtime image
# by the registry reference dockyard gives it (dockyard.yaml: namespace
# platform, tag dev); dockyard strips namespace and tag to find the project
# image "runtime". build/build-pre.sh writes generated/manifest.json and
# build-info.env into the context first.
FROM platform/runtime:dev
ARG REST_SERVER_PORT=9186
COPY server/ /opt/rest-server/
COPY generated/manifest.json /usr/share/rest-server/manifest.json
COPY build-info.env /etc/rest-server/build-info.env
RUN chmod 0755 /opt/rest-server/start.sh \
 && mkdir -p /var/lib/rest-server/jobs \
 && printf 'port=%s\nlog_level=info\njobs_dir=/var/lib/rest-server/jobs\nscheduler=hived\n' "$REST_SERVER_PORT" \
      > /etc/rest-server/rest-server.conf \
 && chown -R pai:pai /var/lib/rest-server
ENV PLATFORM_SERVICE=rest-server
USER pai
EXPOSE 9186
CMD ["/opt/rest-server/start.sh"]
