/**
 * The wire model of fleet's v1 HTTP API, shared by fleetd's API server and fleetctl's API driver.
 * Kept free of registry/etcd types so the CLI's fast path loads nothing heavy.
 */
package org.fleetj.api;
