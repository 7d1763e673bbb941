# os-base stands in for the operating system image FATE's base-image starts
# from (centos in FATE v1.0). Nothing can be pulled here, so it starts from
# scratch with the static busybox that build/build-pre.sh copies into
# rootfs/bin/. It is a component (src/os-base/) because only components have
# build hooks; the rest of this repository is declared in dockyard.yaml.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /root /home /data/projects /var/log \
 && chmod 1777 /tmp && chmod 0700 /root \
 && echo "os-base, $(busybox | head -n 1 | cut -d ' ' -f 1,2)" > /etc/os-base-release
ENV PATH=/usr/local/bin:/bin
CMD ["cat", "/etc/os-base-release"]
