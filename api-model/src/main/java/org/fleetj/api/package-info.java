/**
 * The wire model of fleet's v1 HTTP API and the fleet rules read off it ({@link org.fleetj.api.ApiUnits}), shared by
 * fleetd's API server, fleetctl's two drivers and the registry. Kept free of registry/etcd/HTTP types so the CLI's
 * fast path loads nothing heavy.
 */
package org.fleetj.api;
