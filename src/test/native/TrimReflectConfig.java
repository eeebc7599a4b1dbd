import com.google.protobuf.Descriptors.*;
import java.lang.reflect.*;
import java.nio.file.*;
import java.util.*;
import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import com.fasterxml.jackson.annotation.JsonSubTypes;

/** Writes trimmed reflect-configs: args = compute config, oci core config, out dir, then OCI core request simple names. */
public class TrimReflectConfig {
  static ObjectMapper M = new ObjectMapper();
  public static void main(String[] a) throws Exception {
    // GCP compute: the closure of message types of the Images and GlobalOperations services
    FileDescriptor fd = com.google.cloud.compute.v1.Compute.getDescriptor();
    Set<String> classes = new TreeSet<>();
    Deque<Descriptor> todo = new ArrayDeque<>();
    for (ServiceDescriptor s : fd.getServices()) {
      if (!s.getName().equals("Images") && !s.getName().equals("GlobalOperations")) continue;
      for (MethodDescriptor m : s.getMethods()) { todo.add(m.getInputType()); todo.add(m.getOutputType()); }
    }
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      Descriptor d = todo.pop();
      if (!seen.add(d.getFullName())) continue;
      if (!d.getOptions().getMapEntry()) classes.add(javaName(d));
      for (FieldDescriptor f : d.getFields()) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) todo.add(f.getMessageType());
        if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) classes.add(javaName(f.getEnumType()));
      }
      for (EnumDescriptor e : d.getEnumTypes()) classes.add(javaName(e));
    }
    ArrayNode compute = (ArrayNode) M.readTree(Path.of(a[0]).toFile());
    ArrayNode keptCompute = M.createArrayNode();
    for (JsonNode e : compute) {
      String n = e.get("name").asText();
      String outer = n.split("\\$")[0];
      boolean keep = !n.startsWith("com.google.cloud.compute.v1.") || classes.stream().anyMatch(c -> n.equals(c) || n.startsWith(c + "$"));
      if (keep) keptCompute.add(e);
    }
    System.err.println("compute: " + compute.size() + " -> " + keptCompute.size() + " (" + classes.size() + " compute types)");
    M.writerWithDefaultPrettyPrinter().writeValue(Path.of(a[2], "gcp-compute.json").toFile(), keptCompute);

    // OCI core: the closure of model classes the requests and responses we use name
    Set<Class<?>> model = new LinkedHashSet<>();
    Deque<Type> types = new ArrayDeque<>();
    for (int i = 3; i < a.length; i++) {
      Class<?> req = Class.forName("com.oracle.bmc.core.requests." + a[i]);
      Class<?> res = Class.forName("com.oracle.bmc.core.responses." + a[i].replaceAll("Request$", "Response"));
      for (Class<?> c : List.of(req, res)) for (Field f : c.getDeclaredFields()) types.add(f.getGenericType());
    }
    while (!types.isEmpty()) {
      Type t = types.pop();
      if (t instanceof ParameterizedType p) { for (Type x : p.getActualTypeArguments()) types.add(x); types.add(p.getRawType()); continue; }
      if (t instanceof WildcardType w) { for (Type x : w.getUpperBounds()) types.add(x); continue; }
      if (!(t instanceof Class<?> c)) continue;
      if (c.isArray()) { types.add(c.getComponentType()); continue; }
      if (!c.getName().startsWith("com.oracle.bmc.core.model.")) continue;
      Class<?> top = c; while (top.getEnclosingClass() != null) top = top.getEnclosingClass();
      if (!model.add(top)) continue;
      for (Class<?> k = top; k != null && k.getName().startsWith("com.oracle.bmc.core.model."); k = k.getSuperclass()) {
        types.add(k);
        for (Field f : k.getDeclaredFields()) types.add(f.getGenericType());
        JsonSubTypes sub = k.getAnnotation(JsonSubTypes.class);
        if (sub != null) for (JsonSubTypes.Type st : sub.value()) types.add(st.value());
      }
      for (Class<?> n : top.getDeclaredClasses()) for (Field f : n.getDeclaredFields()) types.add(f.getGenericType());
    }
    Set<String> names = new TreeSet<>(); for (Class<?> c : model) names.add(c.getName());
    ArrayNode core = (ArrayNode) M.readTree(Path.of(a[1]).toFile());
    ArrayNode keptCore = M.createArrayNode();
    for (JsonNode e : core) {
      String n = e.get("name").asText();
      if (names.stream().anyMatch(c -> n.equals(c) || n.startsWith(c + "$"))) keptCore.add(e);
    }
    System.err.println("oci core: " + core.size() + " -> " + keptCore.size() + " (" + names.size() + " model classes) " + names);
    M.writerWithDefaultPrettyPrinter().writeValue(Path.of(a[2], "oci-core.json").toFile(), keptCore);
  }
  static String javaName(GenericDescriptor d) {
    String pkg = "com.google.cloud.compute.v1";
    String full = d.getFullName().substring(d.getFile().getPackage().length() + 1);
    String javaPkg = d.getFile().getOptions().getJavaPackage();
    return (javaPkg.isEmpty() ? pkg : javaPkg) + "." + full.replace('.', '$');
  }
}
