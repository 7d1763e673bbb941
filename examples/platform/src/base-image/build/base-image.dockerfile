# base-image is the root of every image of the platform. It starts from
# scratch, so nothing is pulled: its only program is the static busybox that
# build/build-pre.sh copies from the build machine into rootfs/bin/, plus
# add-user (rootfs/usr/local/bin), since that busybox has no adduser.
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /root /home /var/log /var/lib /etc/platform \
 && chmod 1777 /tmp && chmod 0700 /root \
 && echo "platform base-image, $(busybox | head -n 1 | cut -d ' ' -f 1,2)" > /etc/platform/base-release
ENV PATH=/usr/local/bin:/bin
CMD ["cat", "/etc/platform/base-release"]
