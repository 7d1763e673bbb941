# job-exporter reports the jobs running on a node, next to node-exporter's
# node metrics. Two stages: "collector" renders the exporter script (a stage,
# so not an image of the project), and the final stage copies it together with
# the node-exporter binary of the project's node-exporter image
# (COPY --from=node-exporter: an edge of the graph).
FROM runtime AS collector
ARG JOB_EXPORTER_PORT=9102
COPY exporter/ /src/
RUN mkdir -p /out \
 && sed "s/@PORT@/$JOB_EXPORTER_PORT/" /src/job-exporter.in > /out/job-exporter \
 && chmod 0755 /out/job-exporter

FROM runtime
COPY --from=collector /out/job-exporter /usr/local/bin/job-exporter
COPY --from=node-exporter /usr/local/bin/node-exporter /usr/local/bin/node-exporter
COPY --from=node-exporter /etc/node-exporter/ /etc/node-exporter/
RUN mkdir -p /var/lib/job-exporter/jobs \
 && for job in train-resnet etl-nightly; do echo "user=pai gpus=0" > /var/lib/job-exporter/jobs/$job; done \
 && chown -R pai:pai /var/lib/job-exporter
ENV PLATFORM_SERVICE=job-exporter
USER pai
CMD ["job-exporter"]
