package io.vmpower.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import io.vmpower.core.config.ConfigValueException;
import io.vmpower.core.config.ManagedVms;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code vms.manage}: the word {@code auto}, or a list of VM names and globs. */
final class ManagedVmsDeserializer extends JsonDeserializer<ManagedVms> {
  static final String ACCEPTED =
      "accepted: auto, or a list of VM names and globs like [vm1, web-*]";

  @Override
  public ManagedVms deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      String word = p.getText();
      if (ManagedVms.AUTO_WORD.equals(word)) {
        return ManagedVms.AUTO;
      }
      return ctxt.reportInputMismatch(
          ManagedVms.class,
          "'"
              + word
              + "' is neither auto nor a list (a single name is written ["
              + word
              + "]); "
              + ACCEPTED);
    }
    if (t != JsonToken.START_ARRAY) {
      return ctxt.reportInputMismatch(ManagedVms.class, "'" + p.getText() + "': " + ACCEPTED);
    }
    List<String> names = new ArrayList<>();
    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_STRING) {
        return ctxt.reportInputMismatch(
            ManagedVms.class,
            "entry '" + p.getText() + "' is not a VM name or glob (give text); " + ACCEPTED);
      }
      names.add(p.getText());
    }
    try {
      return ManagedVms.listed(names);
    } catch (ConfigValueException e) {
      return ctxt.reportInputMismatch(ManagedVms.class, e.getMessage());
    }
  }
}
