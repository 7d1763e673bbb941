# webportal serves the platform's web pages and the SDK for download. The SDK
# comes from dependency/pai-sdk/, the copy of src/pai-sdk/ that dockyard puts
# into this component's context because build/component.dep names pai-sdk.
FROM runtime
COPY www/ /var/www/webportal/
COPY bin/webportal /usr/local/bin/webportal
COPY dependency/pai-sdk/sdk/ /var/www/webportal/download/pai-sdk/
RUN cd /var/www/webportal \
 && tar -czf download/pai-sdk.tar.gz -C download pai-sdk \
 && sed -i "s/@SDK_VERSION@/$(cat download/pai-sdk/VERSION)/" index.html \
 && chmod 0755 /usr/local/bin/webportal \
 && printf 'port=8080\nrest_server=http://rest-server:9186\n' > /etc/platform/webportal.conf
ENV PLATFORM_SERVICE=webportal
USER pai
EXPOSE 8080
CMD ["webportal"]
