# alert-manager checks rules against node-exporter's metrics. Its Dockerfile
# is <name>.common.dockerfile: it builds with every variant.
FROM runtime
COPY etc/alert-rules.conf /etc/alert-manager/alert-rules.conf
COPY bin/alert-manager /usr/local/bin/alert-manager
RUN chmod 0755 /usr/local/bin/alert-manager \
 && mkdir -p /var/lib/alert-manager \
 && chown pai:pai /var/lib/alert-manager \
 && printf 'receiver=ops@example.com\nrepeat_interval=4h\n' > /etc/alert-manager/alert-manager.conf
ENV PLATFORM_SERVICE=alert-manager
USER pai
CMD ["alert-manager"]
