package dev.cloudimages.testing.aws;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;

/** Writes EC2 Query API responses: the action's element in the 2016-11-15 namespace, a requestId, then nested elements. */
final class Xml {
    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private final StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    private final Deque<String> open = new ArrayDeque<>();

    private Xml() {
    }

    /** {@code <ActionResponse xmlns=...><requestId>...</requestId>}; call {@link #finish()} for the text. */
    static Xml response(String action) {
        Xml xml = new Xml();
        xml.out.append('<').append(action).append("Response xmlns=\"").append(NAMESPACE).append("\">");
        xml.open.push(action + "Response");
        xml.leaf("requestId", UUID.randomUUID().toString());
        return xml;
    }

    /** The EC2 error document; the SDK reads Code and Message from it. */
    static String error(String code, String message) {
        Xml xml = new Xml();
        xml.open("Response").open("Errors").open("Error").leaf("Code", code).leaf("Message", message).close().close();
        xml.leaf("RequestID", UUID.randomUUID().toString());
        return xml.finish();
    }

    Xml open(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    Xml close() {
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** Writes {@code <name>value</name>}; a null value writes nothing, as EC2 leaves unset members out. */
    Xml leaf(String name, Object value) {
        if (value != null) {
            out.append('<').append(name).append('>').append(escape(String.valueOf(value))).append("</").append(name).append('>');
        }
        return this;
    }

    /** {@code <tagSet><item><key/><value/></item>...</tagSet>}, left out when there are no tags. */
    Xml tagSet(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return this;
        }
        open("tagSet");
        tags.forEach((key, value) -> open("item").leaf("key", key).leaf("value", value).close());
        return close();
    }

    String finish() {
        while (!open.isEmpty()) {
            close();
        }
        return out.toString();
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
