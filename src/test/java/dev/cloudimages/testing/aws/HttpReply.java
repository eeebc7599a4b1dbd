package dev.cloudimages.testing.aws;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP answer of the fake EC2/EBS server. */
record HttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {

    static HttpReply xml(int status, String xml) {
        return new HttpReply(status, "text/xml;charset=UTF-8", Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }

    static HttpReply json(int status, String json, Map<String, String> headers) {
        return new HttpReply(status, "application/json", headers, json.getBytes(StandardCharsets.UTF_8));
    }
}
