package io.vmpower.hal.linux.libvirt;

import com.sun.jna.Pointer;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.ConnectionPointer;

/**
 * A libvirt-java connection that also yields its native {@code virConnectPtr}, for the calls
 * libvirt-java 0.5.4 does not wrap (the tuning event).
 */
public final class LibvirtConnect extends Connect {

  /** Opens {@code uri}; read-only connections may read but not pin. */
  public LibvirtConnect(String uri, boolean readOnly) throws LibvirtException {
    super(uri, readOnly);
  }

  /** The native handle, or null once the connection is closed. */
  Pointer nativeHandle() {
    ConnectionPointer pointer = vcp;
    return pointer == null ? null : pointer.getPointer();
  }
}
