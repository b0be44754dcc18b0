package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Pointer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registration for libvirt's tuning event (VIR_DOMAIN_EVENT_ID_TUNABLE) on a connection, made
 * through JNA because libvirt-java 0.5.4 has no listener for it. Holds the callback strongly until
 * {@link #deregister()}, so that it is never collected while libvirt may call it.
 */
final class LibvirtTunableEvents {
  private static final Logger log = LoggerFactory.getLogger(LibvirtTunableEvents.class);

  private final LibvirtConnect connect;
  private final LibvirtTunableCallback callback;
  private final int callbackId;

  private LibvirtTunableEvents(LibvirtConnect connect, LibvirtTunableCallback callback, int id) {
    this.connect = connect;
    this.callback = callback;
    this.callbackId = id;
  }

  /**
   * @throws IllegalStateException with libvirt's message when libvirt refuses the registration
   */
  static LibvirtTunableEvents register(LibvirtConnect connect, Consumer<String> onPinningChanged) {
    Pointer handle = connect.nativeHandle();
    if (handle == null) {
      throw new IllegalStateException("the libvirt connection is closed");
    }
    LibvirtTunableCallback callback = new LibvirtTunableCallback(onPinningChanged);
    int id =
        LibvirtNative.INSTANCE.virConnectDomainEventRegisterAny(
            handle, null, LibvirtNative.EVENT_ID_TUNABLE, callback, null, null);
    if (id < 0) {
      throw new IllegalStateException(
          "libvirt refused the tuning event: " + LibvirtNative.INSTANCE.virGetLastErrorMessage());
    }
    return new LibvirtTunableEvents(connect, callback, id);
  }

  int callbackId() {
    return callbackId;
  }

  /** Best effort: a connection that is already gone has dropped the registration itself. */
  void deregister() {
    Pointer handle = connect.nativeHandle();
    if (handle != null
        && LibvirtNative.INSTANCE.virConnectDomainEventDeregisterAny(handle, callbackId) < 0) {
      log.debug(
          "cannot deregister the tuning event {} ({}): {}",
          callbackId,
          callback,
          LibvirtNative.INSTANCE.virGetLastErrorMessage());
    }
  }
}
