# scheduler, Kubernetes flavour: HiveD-style virtual clusters. With
# "--variant yarn", build/scheduler.yarn.dockerfile replaces this file.
FROM runtime
COPY conf/hived.yaml /etc/scheduler/hived.yaml
COPY conf/scheduler.sh /usr/local/bin/scheduler
RUN chmod 0755 /usr/local/bin/scheduler \
 && echo "mode=k8s" > /etc/scheduler/mode \
 && sed -n 's/^  \([a-z-]*\):$/\1/p' /etc/scheduler/hived.yaml > /etc/scheduler/virtual-clusters
ENV PLATFORM_SERVICE=scheduler
USER pai
CMD ["scheduler"]
