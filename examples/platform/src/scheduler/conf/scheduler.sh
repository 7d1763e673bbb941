#!/bin/sh
# Shows the scheduler's mode and its virtual clusters (queues in YARN mode).
. /etc/scheduler/mode
echo "scheduler ($mode)"
echo "virtual clusters:"
sed 's/^/  /' /etc/scheduler/virtual-clusters
