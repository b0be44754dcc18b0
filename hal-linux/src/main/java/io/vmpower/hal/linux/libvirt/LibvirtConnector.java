package io.vmpower.hal.linux.libvirt;

import org.libvirt.LibvirtException;

/** Opens libvirt connections; {@link #DEFAULT} unless a caller needs to watch or vary them. */
@FunctionalInterface
public interface LibvirtConnector {
  LibvirtConnector DEFAULT = LibvirtConnect::new;

  LibvirtConnect open(String uri, boolean readOnly) throws LibvirtException;
}
