package io.vmpower.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmpower.core.cpu.CpuSet;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.vm.ChannelStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The JSON of the {@code show_*} views ({@code --json}, and {@code "format":"json"} on the control
 * socket): each view record as an object whose keys are its components in snake_case (so units
 * named in a component stay in the key: {@code current_khz}), wrapped in a document {@code
 * {"schema":1,"KEY":VIEW}}. Of the types inside the records: a CPU set is an array of CPU numbers,
 * a peer {@code {"uid","gid","pid"}} (null where unknown), channel counters an object of lower-case
 * counter names, a path its text, an enum its name. docs/control-protocol.md describes each
 * document; the schema number changes only when a key changes meaning or goes away.
 */
public final class ViewJson {
  /** The version of the documents' shape. */
  public static final int SCHEMA = 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .addModule(
              new SimpleModule("vmpower-views")
                  .addSerializer(CpuSet.class, new CpuSetJson())
                  .addSerializer(PeerCredentials.class, new PeerJson())
                  .addSerializer(ChannelStats.class, new StatsJson())
                  .addSerializer(Path.class, new PathJson()))
          .build();

  private ViewJson() {}

  /** {@code {"schema":1,"KEY":VIEW}}. */
  public static ObjectNode document(String key, Object view) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("schema", SCHEMA);
    doc.set(key, MAPPER.valueToTree(view));
    return doc;
  }

  /** One line of JSON. */
  public static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a view as JSON: " + e.getMessage(), e);
    }
  }

  private static final class CpuSetJson extends JsonSerializer<CpuSet> {
    @Override
    public void serialize(CpuSet set, JsonGenerator g, SerializerProvider p) throws IOException {
      int[] cpus = set.toArray();
      g.writeArray(cpus, 0, cpus.length);
    }
  }

  private static final class PeerJson extends JsonSerializer<PeerCredentials> {
    @Override
    public void serialize(PeerCredentials peer, JsonGenerator g, SerializerProvider p)
        throws IOException {
      g.writeStartObject();
      id(g, "uid", peer.uid());
      id(g, "gid", peer.gid());
      id(g, "pid", peer.known() ? peer.pid() : -1);
      g.writeEndObject();
    }

    private static void id(JsonGenerator g, String name, long value) throws IOException {
      if (value >= 0) {
        g.writeNumberField(name, value);
      } else {
        g.writeNullField(name);
      }
    }
  }

  private static final class StatsJson extends JsonSerializer<ChannelStats> {
    @Override
    public void serialize(ChannelStats stats, JsonGenerator g, SerializerProvider p)
        throws IOException {
      g.writeStartObject();
      for (ChannelStats.Counter c : ChannelStats.Counter.values()) {
        g.writeNumberField(c.name().toLowerCase(Locale.ROOT), stats.get(c));
      }
      g.writeEndObject();
    }
  }

  private static final class PathJson extends JsonSerializer<Path> {
    @Override
    public void serialize(Path path, JsonGenerator g, SerializerProvider p) throws IOException {
      g.writeString(path.toString());
    }
  }
}
