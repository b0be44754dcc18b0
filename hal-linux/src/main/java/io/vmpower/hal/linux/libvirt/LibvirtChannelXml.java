package io.vmpower.hal.linux.libvirt;

import io.vmpower.core.hal.DomainChannel;
import io.vmpower.core.hal.DomainChannels;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * The power channels of a libvirt domain XML: every {@code <devices><channel>} whose {@code <target
 * type='virtio' name='virtio.serial.port.poweragent.N'/>} names a power port. A usable one is a
 * {@code <channel type='unix'>} with {@code <source mode='bind' path='/ABSOLUTE'/>} (QEMU listens
 * on the socket, the host connects to it):
 *
 * <pre>{@code
 * <channel type='unix'>
 *   <source mode='bind' path='/tmp/powermonitor/vm1.0'/>
 *   <target type='virtio' name='virtio.serial.port.poweragent.0'/>
 * </channel>
 * }</pre>
 *
 * Everything else that names a power port is reported, in a sentence naming the port: a malformed
 * N, another channel type, {@code mode='connect'}, no path (libvirt names one when a QEMU domain
 * starts), a relative path, a number given twice (the first is kept).
 */
final class LibvirtChannelXml {
  private LibvirtChannelXml() {}

  /**
   * @throws IllegalArgumentException when the text is not a domain XML
   */
  static DomainChannels parse(String xml) {
    Element domain = LibvirtXml.domain(LibvirtXml.parse(xml));
    Element devices = LibvirtXml.child(domain, "devices");
    if (devices == null) {
      return DomainChannels.NONE;
    }
    Map<Integer, DomainChannel> channels = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Element channel : LibvirtXml.children(devices, "channel")) {
      Element target = LibvirtXml.child(channel, "target");
      if (target == null || !DomainChannel.isPowerPort(target.getAttribute("name"))) {
        continue; // another channel (the guest agent, spice, ...)
      }
      String port = target.getAttribute("name");
      try {
        DomainChannel c = channel(channel, target, port);
        DomainChannel first = channels.putIfAbsent(c.number(), c);
        if (first != null) {
          problems.add(
              "port '"
                  + port
                  + "' at "
                  + c.path()
                  + " is channel "
                  + c.number()
                  + " again (kept the first, at "
                  + first.path()
                  + ")");
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return new DomainChannels(new ArrayList<>(channels.values()), problems);
  }

  private static DomainChannel channel(Element channel, Element target, String port) {
    int number = DomainChannel.portNumber(port);
    if (!"virtio".equals(target.getAttribute("type"))) {
      throw new IllegalArgumentException(
          "port '"
              + port
              + "' has target type '"
              + target.getAttribute("type")
              + "': a power channel is a virtio-serial port (type='virtio')");
    }
    String type = channel.getAttribute("type");
    if (!"unix".equals(type)) {
      throw new IllegalArgumentException(
          "port '"
              + port
              + "' is a channel of type '"
              + type
              + "': the host reaches a guest through a unix socket (<channel type='unix'>)");
    }
    Element source = LibvirtXml.child(channel, "source");
    String path = source == null ? "" : source.getAttribute("path");
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          "port '"
              + port
              + "' has no socket path yet (<source mode='bind' path='...'/>; libvirt names one"
              + " when the VM starts)");
    }
    String mode = source.getAttribute("mode");
    if (!"bind".equals(mode)) {
      throw new IllegalArgumentException(
          "port '"
              + port
              + "' at "
              + path
              + " has mode '"
              + mode
              + "': QEMU must listen on the socket (mode='bind') for the host to connect");
    }
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("port '" + port + "' has an invalid path: " + path, e);
    }
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(
          "port '" + port + "' has a relative socket path '" + path + "': libvirt needs absolute");
    }
    return new DomainChannel(number, p.normalize());
  }
}
