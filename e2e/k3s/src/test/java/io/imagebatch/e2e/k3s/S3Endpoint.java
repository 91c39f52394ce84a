package io.imagebatch.e2e.k3s;

import java.net.URI;

/**
 * One S3 service seen from two places: pods use its Service DNS name, the test the node port the
 * k3s container publishes.
 */
record S3Endpoint(String inCluster, URI fromHost, String accessKey, String secretKey) {}
