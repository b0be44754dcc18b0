package io.vmpower.hal.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.vmpower.core.cpu.CpuSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a VM's channel numbers written either as a list ({@code [0, 1]}) or as a cpulist-like
 * string ({@code "0-3,5"}). Range checks are left to validation.
 */
final class ScenarioChannelsDeserializer extends StdDeserializer<List<Integer>> {
  private static final String ACCEPTED =
      "use a list of channel numbers like [0, 1] or a string like \"0-3,5\"";

  ScenarioChannelsDeserializer() {
    super(List.class);
  }

  @Override
  public List<Integer> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        List<Integer> out = new ArrayList<>();
        CpuSet.parseList(text).forEach(out::add);
        return out;
      } catch (IllegalArgumentException e) {
        return ctxt.reportInputMismatch(this, "'%s' is not a channel list: %s", text, ACCEPTED);
      }
    }
    if (t == JsonToken.START_ARRAY) {
      List<Integer> out = new ArrayList<>();
      for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
        if (e != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
          return ctxt.reportInputMismatch(
              this, "'%s' is not a channel number: %s", p.getText(), ACCEPTED);
        }
        out.add(p.getIntValue());
      }
      return out;
    }
    return ctxt.reportInputMismatch(this, "channels must be a list or a string: %s", ACCEPTED);
  }
}
