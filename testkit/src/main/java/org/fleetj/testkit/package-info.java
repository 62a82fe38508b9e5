/**
 * Test support with real parts, no dependencies: {@link org.fleetj.testkit.EtcdServer} and
 * {@link org.fleetj.testkit.EtcdCluster} (Debian's etcd on free ports with a temp data dir under /var/tmp),
 * {@link org.fleetj.testkit.EtcdGateway} (put/get over etcd's v3 JSON gateway) and
 * {@link org.fleetj.testkit.LocalCluster} (systemd machines on this host via {@code scripts/local-cluster}).
 */
package org.fleetj.testkit;
