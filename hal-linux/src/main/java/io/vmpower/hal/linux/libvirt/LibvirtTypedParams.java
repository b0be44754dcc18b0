package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a native {@code virTypedParameter} array into a map: numbers as {@link Long} (unsigned ones
 * too, as libvirt's counters fit) or {@link Double}, booleans as {@link Boolean}, strings as {@link
 * String}.
 */
final class LibvirtTypedParams {
  private LibvirtTypedParams() {}

  static Map<String, Object> read(Pointer params, int nparams) {
    Map<String, Object> out = new HashMap<>(Math.max(16, nparams * 2));
    if (params == null) {
      return out;
    }
    int stride = LibvirtTunableCallback.stride();
    for (int i = 0; i < nparams; i++) {
      LibvirtNative.TypedParameter p =
          new LibvirtNative.TypedParameter(params.share((long) i * stride));
      int end = 0;
      while (end < p.field.length && p.field[end] != 0) {
        end++;
      }
      String name = new String(p.field, 0, end, StandardCharsets.UTF_8);
      Object value =
          switch (p.type) {
            case LibvirtNative.PARAM_INT -> (long) (int) p.value;
            case LibvirtNative.PARAM_UINT -> p.value & 0xFFFF_FFFFL;
            case LibvirtNative.PARAM_LLONG, LibvirtNative.PARAM_ULLONG -> p.value;
            case LibvirtNative.PARAM_DOUBLE -> Double.longBitsToDouble(p.value);
            case LibvirtNative.PARAM_BOOLEAN -> (p.value & 0xFF) != 0;
            case LibvirtNative.PARAM_STRING ->
                p.value == 0 ? "" : new Pointer(p.value).getString(0, "UTF-8");
            default -> null;
          };
      if (value != null) {
        out.put(name, value);
      }
    }
    return out;
  }
}
