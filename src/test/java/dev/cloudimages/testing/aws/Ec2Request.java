package dev.cloudimages.testing.aws;

/** One EC2 Query request after authentication: its action, parameters and the region its signature names. */
record Ec2Request(String action, QueryParams params, AwsState.RegionState region) {
}
