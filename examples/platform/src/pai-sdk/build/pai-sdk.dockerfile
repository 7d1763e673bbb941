# pai-sdk is the command-line client of the platform: "pai version",
# "pai config", "pai submit NAME". webportal bundles the same sdk/ folder
# (its build/component.dep names this component).
FROM runtime
COPY sdk/ /opt/pai-sdk/
RUN chmod 0755 /opt/pai-sdk/bin/pai \
 && ln -s /opt/pai-sdk/bin/pai /usr/local/bin/pai \
 && mkdir -p /home/pai/.pai \
 && printf 'cluster=demo\nrest_server=http://rest-server:9186\nuser=pai\n' > /home/pai/.pai/config \
 && chown -R pai:pai /home/pai/.pai
ENV PLATFORM_SERVICE=pai-sdk
USER pai
WORKDIR /home/pai
CMD ["pai", "help"]
