# node-exporter prints the node's load, memory and uptime in Prometheus'
# text format, once or every NODE_EXPORTER_INTERVAL seconds.
FROM runtime
COPY bin/node-exporter /usr/local/bin/node-exporter
RUN chmod 0755 /usr/local/bin/node-exporter \
 && mkdir -p /etc/node-exporter \
 && printf 'collectors=loadavg,meminfo,uptime\nnamespace=node\n' > /etc/node-exporter/node-exporter.conf
ENV PLATFORM_SERVICE=node-exporter NODE_EXPORTER_INTERVAL=0
USER pai
CMD ["node-exporter"]
