# frameworklauncher exists only with --variant yarn (there is no plain
# frameworklauncher.dockerfile). It reads the YARN scheduler's queues from
# the scheduler image: COPY --from=scheduler is an edge of the graph.
FROM runtime
COPY --from=scheduler /etc/scheduler/capacity-scheduler.conf /etc/frameworklauncher/queues.conf
RUN printf 'launcher_address=0.0.0.0:9086\nzk=zookeeper:2181\n' > /etc/frameworklauncher/launcher.conf \
 && printf '#!/bin/sh\necho "frameworklauncher: $(grep -c capacity= /etc/frameworklauncher/queues.conf) queues"\ncat /etc/frameworklauncher/launcher.conf\n' \
      > /usr/local/bin/frameworklauncher \
 && chmod 0755 /usr/local/bin/frameworklauncher
ENV PLATFORM_SERVICE=frameworklauncher
USER pai
CMD ["frameworklauncher"]
