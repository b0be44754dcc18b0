package io.vmpower.features.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Checks Kubernetes manifests offline, as the API server would take them, against the Kubernetes
 * API's own types (the fabric8 Kubernetes model, generated from the API's OpenAPI schema):
 *
 * <ul>
 *   <li>each document's apiVersion and kind must be one this project uses;
 *   <li>its fields must have the schema's types, without coercion (the API server refuses {@code
 *       containerPort: "9464"} and an annotation {@code 9464} that is not a string);
 *   <li>it must have no field the schema does not know (a typo such as {@code mountpath});
 *   <li>the fields the API requires must be there, with the formats it checks (names, paths, ports,
 *       quantities, the hostPath types, one source per volume);
 *   <li>the references between the documents must hold: the selector matches the pod's labels,
 *       every mount names a volume, every ConfigMap and ServiceAccount named exists.
 * </ul>
 *
 * kubectl cannot do this without a server, even for a client-side dry run.
 */
final class KubernetesManifests {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern PORT_NAME =
      Pattern.compile("(?=.{1,15}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Set<String> HOST_PATH_TYPES =
      Set.of(
          "",
          "DirectoryOrCreate",
          "Directory",
          "FileOrCreate",
          "File",
          "Socket",
          "CharDevice",
          "BlockDevice");
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "v1/ConfigMap", ConfigMap.class,
          "apps/v1/DaemonSet", DaemonSet.class);

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final JsonMapper api =
      JsonMapper.builder()
          .withCoercionConfigDefaults(
              c -> {
                c.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
              })
          .withCoercionConfig(
              LogicalType.Textual,
              c -> {
                c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
                c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
              })
          .build();

  /** The documents read, in order, and what is wrong with them. */
  record Result(List<HasMetadata> objects, List<String> errors) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError(
            "expected one " + type.getSimpleName() + ", found " + found.size());
      }
      return found.get(0);
    }
  }

  /** Checks every {@code *.yaml} of {@code dir}. */
  Result checkFolder(Path dir) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return check(files);
  }

  /** Checks the documents of each file (name to text). */
  Result check(Map<String, String> files) {
    List<HasMetadata> objects = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      List<JsonNode> docs;
      try (YAMLParser p = (YAMLParser) yaml.getFactory().createParser(f.getValue())) {
        docs = yaml.readValues(p, JsonNode.class).readAll();
      } catch (IOException e) {
        errors.add(f.getKey() + ": not YAML: " + e.getMessage());
        continue;
      }
      int n = 0;
      for (JsonNode doc : docs) {
        n++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        String where = f.getKey() + (docs.size() > 1 ? " (document " + n + ")" : "");
        HasMetadata o = read(doc, where, errors);
        if (o != null) {
          objects.add(o);
        }
      }
    }
    if (objects.isEmpty()) {
      errors.add("no Kubernetes object found");
    }
    crossReferences(objects, errors);
    return new Result(objects, errors);
  }

  private HasMetadata read(JsonNode doc, String where, List<String> errors) {
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
    if (type == null) {
      errors.add(
          where
              + ": apiVersion/kind '"
              + apiVersion
              + "/"
              + kind
              + "' is not one of "
              + KINDS.keySet());
      return null;
    }
    HasMetadata o;
    try {
      o = api.readValue(doc.toString(), type);
    } catch (JacksonException e) {
      errors.add(where + ": " + kind + ": " + e.getOriginalMessage() + " at " + path(e));
      return null;
    }
    String name = kind + " " + (o.getMetadata() == null ? "?" : o.getMetadata().getName());
    unknownFields(o, where + ": " + name, "", errors, new IdentityHashMap<>());
    required(o, where + ": " + name, errors);
    return o;
  }

  /** The field a Jackson error is about, as a manifest names it: spec.containers[0].name. */
  private static String path(JacksonException e) {
    StringBuilder b = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getPropertyName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getPropertyName());
      }
    }
    return b.length() == 0 ? "the top" : b.toString();
  }

  /** Fields the schema does not know land in the model's additionalProperties: none allowed. */
  private static void unknownFields(
      Object o,
      String where,
      String path,
      List<String> errors,
      IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        unknownFields(e, where, path + "[" + i++ + "]", errors, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        unknownFields(e.getValue(), where, path + "." + e.getKey(), errors, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(o);
      } catch (ReflectiveOperationException e) {
        continue; // a computed getter (Quantity's amount of a bad quantity): checked elsewhere
      }
      if (m.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          errors.add(
              where
                  + ": unknown field(s) "
                  + extra.keySet()
                  + " at "
                  + (path.isEmpty() ? "the top" : path.substring(1)));
        }
        continue;
      }
      String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      unknownFields(value, where, path + "." + field, errors, seen);
    }
  }

  private static void required(HasMetadata o, String where, List<String> errors) {
    if (o.getMetadata() == null || o.getMetadata().getName() == null) {
      errors.add(where + ": metadata.name is required");
      return;
    }
    String name = o.getMetadata().getName();
    if (!DNS_SUBDOMAIN.matcher(name).matches()) {
      errors.add(where + ": metadata.name '" + name + "' is not a DNS-1123 subdomain");
    }
    if (o instanceof Namespace && !DNS_LABEL.matcher(name).matches()) {
      errors.add(where + ": a namespace's name must be a DNS-1123 label");
    }
    if (!(o instanceof Namespace)) {
      String ns = o.getMetadata().getNamespace();
      if (ns == null || !DNS_LABEL.matcher(ns).matches()) {
        errors.add(where + ": metadata.namespace is required here (a DNS-1123 label)");
      }
    }
    if (o instanceof ConfigMap cm && cm.getData() != null) {
      for (String key : cm.getData().keySet()) {
        if (!CONFIG_KEY.matcher(key).matches()) {
          errors.add(where + ": data key '" + key + "' is not a valid ConfigMap key");
        }
      }
    }
    if (o instanceof DaemonSet ds) {
      daemonSet(ds, where, errors);
    }
  }

  private static void daemonSet(DaemonSet ds, String where, List<String> errors) {
    if (ds.getSpec() == null) {
      errors.add(where + ": spec is required");
      return;
    }
    if (ds.getSpec().getSelector() == null) {
      errors.add(where + ": spec.selector is required");
    }
    if (ds.getSpec().getTemplate() == null || ds.getSpec().getTemplate().getSpec() == null) {
      errors.add(where + ": spec.template.spec is required");
      return;
    }
    Map<String, String> labels =
        ds.getSpec().getTemplate().getMetadata() == null
            ? Map.of()
            : nullToEmpty(ds.getSpec().getTemplate().getMetadata().getLabels());
    if (ds.getSpec().getSelector() != null) {
      Map<String, String> match = nullToEmpty(ds.getSpec().getSelector().getMatchLabels());
      if (match.isEmpty() && ds.getSpec().getSelector().getMatchExpressions() == null) {
        errors.add(where + ": spec.selector selects nothing");
      }
      match.forEach(
          (k, v) -> {
            if (!v.equals(labels.get(k))) {
              errors.add(
                  where
                      + ": spec.selector "
                      + k
                      + "="
                      + v
                      + " does not match the pod template's labels");
            }
          });
    }
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    if (pod.getContainers() == null || pod.getContainers().isEmpty()) {
      errors.add(where + ": spec.template.spec.containers is required");
      return;
    }
    Set<String> volumes = new HashSet<>();
    for (Volume v : nullToEmpty(pod.getVolumes())) {
      String at = where + ": volume '" + v.getName() + "'";
      if (v.getName() == null || !DNS_LABEL.matcher(v.getName()).matches()) {
        errors.add(at + ": name is required (a DNS-1123 label)");
      }
      if (!volumes.add(v.getName())) {
        errors.add(at + ": the name is used twice");
      }
      int sources = 0;
      if (v.getHostPath() != null) {
        sources++;
        String p = v.getHostPath().getPath();
        if (p == null || !p.startsWith("/")) {
          errors.add(at + ": hostPath.path is required and absolute");
        }
        if (v.getHostPath().getType() != null
            && !HOST_PATH_TYPES.contains(v.getHostPath().getType())) {
          errors.add(
              at
                  + ": hostPath.type '"
                  + v.getHostPath().getType()
                  + "' is not one of "
                  + HOST_PATH_TYPES);
        }
      }
      if (v.getConfigMap() != null) {
        sources++;
        if (v.getConfigMap().getName() == null) {
          errors.add(at + ": configMap.name is required");
        }
      }
      if (v.getEmptyDir() != null) {
        sources++;
        quantity(v.getEmptyDir().getSizeLimit(), at + ": emptyDir.sizeLimit", errors);
      }
      if (v.getSecret() != null) {
        sources++;
      }
      if (v.getProjected() != null) {
        sources++;
      }
      if (sources != 1) {
        errors.add(at + ": needs exactly one source, has " + sources);
      }
    }
    Set<String> names = new HashSet<>();
    for (Container c : pod.getContainers()) {
      String at = where + ": container '" + c.getName() + "'";
      if (c.getName() == null || !DNS_LABEL.matcher(c.getName()).matches()) {
        errors.add(at + ": name is required (a DNS-1123 label)");
      }
      if (!names.add(c.getName())) {
        errors.add(at + ": the name is used twice");
      }
      if (c.getImage() == null || c.getImage().isBlank()) {
        errors.add(at + ": image is required");
      }
      Set<String> portNames = new HashSet<>();
      for (ContainerPort p : nullToEmpty(c.getPorts())) {
        if (p.getContainerPort() == null
            || p.getContainerPort() < 1
            || p.getContainerPort() > 65535) {
          errors.add(at + ": ports[].containerPort is required, 1 to 65535");
        }
        if (p.getName() != null
            && (!PORT_NAME.matcher(p.getName()).matches() || !portNames.add(p.getName()))) {
          errors.add(at + ": port name '" + p.getName() + "' is not a unique IANA service name");
        }
        if (p.getProtocol() != null && !Set.of("TCP", "UDP", "SCTP").contains(p.getProtocol())) {
          errors.add(at + ": port protocol '" + p.getProtocol() + "' is not TCP, UDP or SCTP");
        }
      }
      Set<String> paths = new HashSet<>();
      for (VolumeMount m : nullToEmpty(c.getVolumeMounts())) {
        if (m.getName() == null || !volumes.contains(m.getName())) {
          errors.add(at + ": volumeMount '" + m.getName() + "' names no volume of the pod");
        }
        if (m.getMountPath() == null || !m.getMountPath().startsWith("/")) {
          errors.add(
              at + ": volumeMount '" + m.getName() + "': mountPath is required and absolute");
        } else if (!paths.add(m.getMountPath())) {
          errors.add(at + ": mountPath " + m.getMountPath() + " is used twice");
        }
      }
      ResourceRequirements r = c.getResources();
      if (r != null) {
        nullToEmpty(r.getRequests()).forEach((k, q) -> quantity(q, at + ": requests." + k, errors));
        nullToEmpty(r.getLimits()).forEach((k, q) -> quantity(q, at + ": limits." + k, errors));
      }
    }
  }

  private static void quantity(Quantity q, String where, List<String> errors) {
    if (q == null) {
      return;
    }
    try {
      Quantity.getAmountInBytes(q);
    } catch (RuntimeException e) {
      errors.add(where + ": '" + q + "' is not a quantity");
    }
  }

  private static void crossReferences(List<HasMetadata> objects, List<String> errors) {
    Set<String> have = new HashSet<>();
    for (HasMetadata o : objects) {
      if (o.getMetadata() != null) {
        String key =
            o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
        if (!have.add(key)) {
          errors.add(o.getKind() + " " + o.getMetadata().getName() + " is defined twice");
        }
      }
    }
    Set<String> namespaces = new HashSet<>();
    objects.stream()
        .filter(Namespace.class::isInstance)
        .forEach(n -> namespaces.add(n.getMetadata().getName()));
    for (HasMetadata o : objects) {
      if (o.getMetadata() == null) {
        continue;
      }
      String ns = o.getMetadata().getNamespace();
      if (!(o instanceof Namespace)
          && ns != null
          && !namespaces.isEmpty()
          && !namespaces.contains(ns)) {
        errors.add(
            o.getKind()
                + " "
                + o.getMetadata().getName()
                + ": namespace "
                + ns
                + " is not defined here");
      }
      if (o instanceof DaemonSet ds
          && ds.getSpec() != null
          && ds.getSpec().getTemplate() != null
          && ds.getSpec().getTemplate().getSpec() != null) {
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        String sa = pod.getServiceAccountName();
        if (sa != null && !have.contains("ServiceAccount/" + ns + "/" + sa)) {
          errors.add(
              "DaemonSet "
                  + ds.getMetadata().getName()
                  + ": ServiceAccount "
                  + sa
                  + " is not defined here");
        }
        for (Volume v : nullToEmpty(pod.getVolumes())) {
          if (v.getConfigMap() != null
              && !Boolean.TRUE.equals(v.getConfigMap().getOptional())
              && !have.contains("ConfigMap/" + ns + "/" + v.getConfigMap().getName())) {
            errors.add(
                "DaemonSet "
                    + ds.getMetadata().getName()
                    + ": ConfigMap "
                    + v.getConfigMap().getName()
                    + " is not defined here");
          }
        }
      }
    }
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static <K, V> Map<K, V> nullToEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
