# scheduler, YARN flavour (--variant yarn): a capacity-scheduler queue
# layout instead of HiveD's virtual clusters. It replaces
# scheduler.dockerfile when dockyard runs with --variant yarn.
FROM runtime
COPY conf/capacity-scheduler.conf /etc/scheduler/capacity-scheduler.conf
COPY conf/scheduler.sh /usr/local/bin/scheduler
RUN chmod 0755 /usr/local/bin/scheduler \
 && echo "mode=yarn" > /etc/scheduler/mode \
 && sed -n 's/^queue\.\([a-z-]*\)\.capacity=.*/\1/p' /etc/scheduler/capacity-scheduler.conf > /etc/scheduler/virtual-clusters
ENV PLATFORM_SERVICE=scheduler
USER pai
CMD ["scheduler"]
