# runtime is what every service of the platform starts from: the pai user,
# the platform's shared settings and an entrypoint that loads them.
FROM base-image
COPY etc/ /etc/platform/
COPY bin/ /usr/local/bin/
RUN add-user pai 1000 \
 && mkdir -p /var/lib/platform /var/log/platform \
 && chown pai:pai /var/lib/platform /var/log/platform \
 && chmod 0755 /usr/local/bin/platform-entrypoint /usr/local/bin/platform-info
ENV PLATFORM_SERVICE=runtime
ENTRYPOINT ["/usr/local/bin/platform-entrypoint"]
CMD ["platform-info"]
