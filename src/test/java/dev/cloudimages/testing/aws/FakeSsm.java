package dev.cloudimages.testing.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Systems Manager Parameter Store as the SDK speaks to it (AWS JSON 1.1, {@code X-Amz-Target:
 * AmazonSSM.*}), per region: PutParameter, GetParameter, DeleteParameter, GetParametersByPath,
 * with the checks AWS makes of names (characters, "aws"/"ssm" prefixes, a path must be fully
 * qualified, at most 15 levels), types, values, data types ({@code aws:ec2:image} values must be
 * AMI ids; one the region does not have is, as on AWS, accepted and then not stored, since AWS
 * validates it afterwards), overwrite, and paging (at most 10 a page).
 */
final class FakeSsm {

    /** One parameter as tests inspect it. */
    record Parameter(String name, String type, String value, long version, String dataType, Instant modified) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-/]+");
    private static final Pattern AMI = Pattern.compile("ami-([0-9a-f]{8}|[0-9a-f]{17})");
    private static final String NAME_RULES = "Parameter name: can't be prefixed with \"aws\" or \"ssm\""
            + " (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each"
            + " sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";

    private final Map<String, TreeMap<String, Parameter>> regions = new ConcurrentHashMap<>();
    private final BiPredicate<String, String> imageExists;
    private final String account;

    FakeSsm(BiPredicate<String, String> imageExists, String account) {
        this.imageExists = imageExists;
        this.account = account;
    }

    synchronized Optional<Parameter> parameter(String region, String name) {
        return Optional.ofNullable(parameters(region).get(name));
    }

    synchronized List<Parameter> all(String region) {
        return List.copyOf(parameters(region).values());
    }

    synchronized HttpReply handle(String target, byte[] body, String region) {
        String operation = target.substring(target.indexOf('.') + 1);
        try {
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            ObjectNode reply = switch (operation) {
                case "PutParameter" -> put(request, region);
                case "GetParameter" -> get(request, region);
                case "DeleteParameter" -> delete(request, region);
                case "GetParametersByPath" -> byPath(request, region);
                default -> throw new AwsError(400, "UnknownOperationException", "Unknown operation " + operation);
            };
            return HttpReply.json(200, reply.toString(), Map.of());
        } catch (AwsError e) {
            ObjectNode error = JSON.createObjectNode().put("__type", e.code).put("message", e.getMessage());
            return new HttpReply(e.status, "application/x-amz-json-1.1", Map.of("x-amzn-ErrorType", e.code),
                    error.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new HttpReply(400, "application/x-amz-json-1.1", Map.of(), ("{\"__type\":\"SerializationException\","
                    + "\"message\":\"" + e.getMessage().replace("\"", "'").lines().findFirst().orElse("") + "\"}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private ObjectNode put(JsonNode request, String region) {
        String name = name(request);
        String value = request.path("Value").asText("");
        if (value.isEmpty() || value.length() > 4096) {
            throw validation("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must"
                    + " have length between 1 and 4096 (Standard tier)");
        }
        Parameter existing = parameters(region).get(name);
        String type = request.hasNonNull("Type") ? request.get("Type").asText()
                : existing != null ? existing.type() : null;
        if (type == null) {
            throw validation("A parameter type is required when you create a parameter.");
        }
        if (!List.of("String", "StringList", "SecureString").contains(type)) {
            throw validation("1 validation error detected: Value '" + type + "' at 'type' failed to satisfy"
                    + " constraint: Member must satisfy enum value set: [SecureString, StringList, String]");
        }
        String dataType = request.path("DataType").asText(existing != null ? existing.dataType() : "text");
        if (!List.of("text", "aws:ec2:image", "aws:ssm:integration").contains(dataType)) {
            throw validation("The following data type is not supported: " + dataType
                    + " (Data type names are all lowercase.)");
        }
        boolean overwrite = request.path("Overwrite").asBoolean(false);
        if (overwrite && request.has("Tags") && request.get("Tags").size() > 0) {
            throw validation("Invalid request: tags and overwrite can't be used together. To create a parameter with"
                    + " tags, please remove overwrite flag. To update tags for an existing parameter, please use"
                    + " AddTagsToResource or RemoveTagsFromResource.");
        }
        if (existing != null && !overwrite) {
            throw new AwsError(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value,"
                    + " set the overwrite option in the request to true.");
        }
        long version = existing == null ? 1 : existing.version() + 1;
        if (dataType.equals("aws:ec2:image")) {
            if (!type.equals("String")) {
                throw validation("Parameters with data type aws:ec2:image must be of type String.");
            }
            if (!AMI.matcher(value).matches()) {
                throw validation("Invalid parameter value for data type aws:ec2:image: " + value
                        + " is not an AMI id (ami-xxxxxxxxxxxxxxxxx)");
            }
            if (!imageExists.test(region, value)) {
                // AWS checks the AMI after answering: the parameter is then not created or changed
                return JSON.createObjectNode().put("Version", version).put("Tier", "Standard");
            }
        }
        parameters(region).put(name, new Parameter(name, type, value, version, dataType, Instant.now()));
        return JSON.createObjectNode().put("Version", version).put("Tier", "Standard");
    }

    private ObjectNode get(JsonNode request, String region) {
        Parameter parameter = found(region, name(request));
        ObjectNode reply = JSON.createObjectNode();
        reply.set("Parameter", json(parameter, region));
        return reply;
    }

    private ObjectNode delete(JsonNode request, String region) {
        String name = found(region, name(request)).name();
        parameters(region).remove(name);
        return JSON.createObjectNode();
    }

    private ObjectNode byPath(JsonNode request, String region) {
        String path = request.path("Path").asText("");
        if (!path.startsWith("/")) {
            throw validation("The parameter doesn't meet the parameter name requirements. The parameter name must"
                    + " begin with a forward slash \"/\". It can't be prefixed with \"aws\" or \"ssm\""
                    + " (case-insensitive).");
        }
        checkName(path.equals("/") ? "/x" : path);
        int max = request.path("MaxResults").asInt(10);
        if (max < 1 || max > 10) {
            throw validation("1 validation error detected: Value '" + max + "' at 'maxResults' failed to satisfy"
                    + " constraint: Member must have value less than or equal to 10");
        }
        boolean recursive = request.path("Recursive").asBoolean(false);
        String prefix = path.endsWith("/") ? path : path + "/";
        List<Parameter> matching = new ArrayList<>();
        for (Parameter parameter : parameters(region).values()) {
            String rest = parameter.name().startsWith(prefix) ? parameter.name().substring(prefix.length()) : null;
            if (rest != null && !rest.isEmpty() && (recursive || !rest.contains("/"))) {
                matching.add(parameter);
            }
        }
        int start = 0;
        if (request.hasNonNull("NextToken")) {
            try {
                start = Integer.parseInt(new String(java.util.Base64.getDecoder().decode(
                        request.get("NextToken").asText()), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                start = -1;
            }
            if (start < 0 || start > matching.size()) {
                throw new AwsError(400, "InvalidNextToken", "The specified token isn't valid.");
            }
        }
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode list = reply.putArray("Parameters");
        int end = Math.min(matching.size(), start + max);
        matching.subList(start, end).forEach(p -> list.add(json(p, region)));
        if (end < matching.size()) {
            reply.put("NextToken", java.util.Base64.getEncoder().encodeToString(Integer.toString(end)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return reply;
    }

    private Parameter found(String region, String name) {
        Parameter parameter = parameters(region).get(name);
        if (parameter == null) {
            throw new AwsError(400, "ParameterNotFound", "");
        }
        return parameter;
    }

    /** The request's Name, after AWS's checks; "/a/b" and "a" are names, "a/b" is not. */
    private static String name(JsonNode request) {
        String name = request.path("Name").asText("");
        if (name.isEmpty() || name.length() > 2048) {
            throw validation("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must"
                    + " have length between 1 and 2048");
        }
        checkName(name);
        return name;
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw validation(NAME_RULES);
        }
        if (name.contains("/") && !name.startsWith("/")) {
            throw validation("Parameter name must be a fully qualified name.");
        }
        String first = (name.startsWith("/") ? name.substring(1) : name).toLowerCase(Locale.ROOT);
        if (first.startsWith("aws") || first.startsWith("ssm") || name.contains("//") || name.endsWith("/")) {
            throw validation(NAME_RULES);
        }
        if (name.length() > 1011) {
            throw validation("Parameter name exceeds the maximum length of 1011 characters.");
        }
        if (name.chars().filter(c -> c == '/').count() > 15) {
            throw new AwsError(400, "HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of 15"
                    + " levels. For more information, see Requirements and constraints for parameter names in the"
                    + " AWS Systems Manager User Guide.");
        }
    }

    private ObjectNode json(Parameter parameter, String region) {
        return JSON.createObjectNode().put("Name", parameter.name()).put("Type", parameter.type())
                .put("Value", parameter.value()).put("Version", parameter.version())
                .put("LastModifiedDate", parameter.modified().toEpochMilli() / 1000.0)
                .put("ARN", "arn:aws:ssm:" + region + ":" + account + ":parameter"
                        + (parameter.name().startsWith("/") ? "" : "/") + parameter.name())
                .put("DataType", parameter.dataType());
    }

    private TreeMap<String, Parameter> parameters(String region) {
        return regions.computeIfAbsent(region, r -> new TreeMap<>());
    }

    private static AwsError validation(String message) {
        return new AwsError(400, "ValidationException", message);
    }
}
