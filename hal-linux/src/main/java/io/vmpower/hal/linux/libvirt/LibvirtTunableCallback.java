package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives libvirt's tuning event (on libvirt's event thread) and reports the VM by name when the
 * event changes vCPU pinning: QEMU sends one parameter {@code cputune.vcpupinN} per re-pinned vCPU,
 * e.g. after {@code virsh vcpupin}. Other tunables (shares, quotas, blkio) are ignored.
 */
final class LibvirtTunableCallback implements LibvirtNative.TunableCallback {
  private static final Logger log = LoggerFactory.getLogger(LibvirtTunableCallback.class);

  /** VIR_DOMAIN_TUNABLE_CPU_VCPUPIN without its vCPU number. */
  static final String VCPU_PIN_PREFIX = "cputune.vcpupin";

  private static final int STRIDE = new LibvirtNative.TypedParameter().size();

  private final Consumer<String> onPinningChanged;

  LibvirtTunableCallback(Consumer<String> onPinningChanged) {
    this.onPinningChanged = onPinningChanged;
  }

  @Override
  public void invoke(Pointer conn, Pointer dom, Pointer params, int nparams, Pointer opaque) {
    try {
      List<String> names = parameterNames(params, nparams);
      if (names.stream().anyMatch(n -> n.startsWith(VCPU_PIN_PREFIX))) {
        String vm = dom == null ? null : LibvirtNative.INSTANCE.virDomainGetName(dom);
        if (vm == null) {
          log.warn("libvirt tuning event {} names no domain", names);
        } else {
          onPinningChanged.accept(vm);
        }
      }
    } catch (RuntimeException e) {
      // never let an exception unwind into libvirt's C event loop
      log.warn("cannot handle a libvirt tuning event: {}", e.toString(), e);
    }
  }

  /** The names of a virTypedParameter array. */
  static List<String> parameterNames(Pointer params, int nparams) {
    List<String> names = new ArrayList<>(Math.max(nparams, 0));
    if (params == null) {
      return names;
    }
    for (int i = 0; i < nparams; i++) {
      byte[] field =
          params.getByteArray((long) i * STRIDE, LibvirtNative.TypedParameter.FIELD_LENGTH);
      int end = 0;
      while (end < field.length && field[end] != 0) {
        end++;
      }
      names.add(new String(field, 0, end, StandardCharsets.UTF_8));
    }
    return names;
  }

  /** Bytes between two parameters of a virTypedParameter array on this platform. */
  static int stride() {
    return STRIDE;
  }
}
