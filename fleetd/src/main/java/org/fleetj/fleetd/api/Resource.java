package org.fleetj.fleetd.api;

/** One part of the API tree (units, state, machines, ...), answering requests below its path. */
interface Resource {
    ApiResponse handle(ApiRequest request) throws ApiException;
}
