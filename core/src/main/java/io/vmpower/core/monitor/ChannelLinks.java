package io.vmpower.core.monitor;

import io.vmpower.core.config.ChannelRules;
import io.vmpower.core.hal.ChannelEndpoint;
import io.vmpower.core.hal.ChannelTransport;
import io.vmpower.core.hal.Clock;
import io.vmpower.core.hal.PeerCredentials;
import io.vmpower.core.vm.Channel;
import io.vmpower.core.vm.ChannelEvent;
import io.vmpower.core.vm.ChannelState;
import io.vmpower.core.vm.ChannelStats.Counter;
import io.vmpower.core.vm.VmRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's link of each channel, found by its {@link Channel}, and the connection's life:
 * attach (with the peer rule), hang-up, re-attach when due, detach. Monitor thread only.
 */
final class ChannelLinks {
  private static final Logger log = LoggerFactory.getLogger(ChannelMonitor.class);

  private final ChannelTransport transport;
  private final ChannelRules rules;
  private final Clock clock;
  private final VmRegistry registry;
  private final Reattacher reattacher;
  private final Map<Channel, ChannelLink> links = new IdentityHashMap<>();

  ChannelLinks(
      ChannelTransport transport,
      ChannelRules rules,
      Clock clock,
      VmRegistry registry,
      Reattacher reattacher) {
    this.transport = transport;
    this.rules = rules;
    this.clock = clock;
    this.registry = registry;
    this.reattacher = reattacher;
  }

  /** The link of {@code channel}, or null when the monitor does not know it. */
  ChannelLink find(Channel channel) {
    return links.get(channel);
  }

  /**
   * Attaches {@code channel} (first attach). On failure the channel stays DISCONNECTED, the monitor
   * forgets it, and the exception says why.
   */
  void attach(Channel channel) throws IOException {
    ChannelLink link = links.get(channel);
    boolean known = link != null;
    if (!known) {
      link = new ChannelLink(channel);
      links.put(channel, link);
    }
    try {
      open(link);
    } catch (IOException | RuntimeException e) {
      if (!known) {
        links.remove(channel);
      }
      throw e;
    }
  }

  /**
   * Takes {@code channel} on for good, as the daemon does with a channel it found: attaches it now
   * if it can, else leaves it DISCONNECTED and tries again after the back-off, as after a hang-up.
   * A channel the monitor already has is left as it is. Returns whether it is attached now.
   */
  boolean adopt(Channel channel) {
    if (links.containsKey(channel)) {
      return channel.state() != ChannelState.DISCONNECTED;
    }
    ChannelLink link = new ChannelLink(channel);
    links.put(channel, link);
    try {
      open(link);
      return true;
    } catch (IOException | RuntimeException e) {
      channel.lastError(e.getMessage());
      link.attempts = 0;
      reattacher.schedule(link);
      log.info("{}: not attached yet ({}); trying again by itself", channel, e.getMessage());
      return false;
    }
  }

  /**
   * Drops every connection whose peer the rules (changed by a reload) no longer allow: the channel
   * becomes DISCONNECTED and its re-attach is refused until the rules or the peer change. Returns a
   * sentence per channel dropped.
   */
  List<String> recheckPeers() {
    ChannelRules.Rules now = rules.current();
    List<String> dropped = new ArrayList<>();
    for (ChannelLink link : new ArrayList<>(links.values())) {
      ChannelEndpoint ep = link.endpoint;
      if (ep != null && !now.peerAllowed(ep.peer().uid())) {
        Channel c = link.channel;
        c.stats().increment(Counter.PEER_REFUSED);
        String why =
            c
                + ": peer uid "
                + (ep.peer().known() ? ep.peer().uid() : "unknown")
                + " is no longer allowed (allowed: "
                + now.uidList()
                + "): detached";
        c.lastError(why);
        hangUp(link, "peer no longer allowed");
        dropped.add(why);
      }
    }
    return dropped;
  }

  private void open(ChannelLink link) throws IOException {
    Channel channel = link.channel;
    ChannelEndpoint ep = transport.open(channel.path());
    PeerCredentials peer = ep.peer();
    ChannelRules.Rules now = rules.current();
    if (!now.peerAllowed(peer.uid())) {
      ep.close();
      channel.stats().increment(Counter.PEER_REFUSED);
      String why =
          "peer of "
              + channel.path()
              + " refused: uid "
              + (peer.known() ? peer.uid() : "unknown")
              + (now.allowedPeerUids().size() == 1
                  ? " is not the allowed uid "
                  : " is not one of the allowed uids ")
              + now.uidList();
      log.warn(why);
      throw new IOException(why);
    }
    ep.attach(link);
    link.endpoint = ep;
    channel.peer(peer);
    channel.lastError("");
    link.reset();
    link.attempts = 0;
    reattacher.forget(link);
    channel.stateMachine().fire(ChannelEvent.ATTACHED);
    channel.stats().increment(Counter.ATTACHES);
    // the pid is left out: looking it up may scan /proc, never done on this thread
    log.info("{}: attached to {} (peer {})", channel, channel.path(), peer.idsToString());
  }

  /** The peer hung up or the connection failed: DISCONNECTED, re-attached after the back-off. */
  void hangUp(ChannelLink link, String reason) {
    closeEndpoint(link);
    Channel channel = link.channel;
    if (channel.state() == ChannelState.DISCONNECTED) {
      return;
    }
    channel.stateMachine().fire(ChannelEvent.HUNG_UP);
    channel.stats().increment(Counter.HANGUPS);
    channel.stats().add(Counter.INCOMPLETE_BYTES, link.partialLength);
    link.reset();
    link.attempts = 0;
    reattacher.schedule(link);
    log.info("{}: {}; DISCONNECTED, will re-attach", channel, reason);
  }

  /** Tries the due re-attaches; a channel removed from its VM meanwhile is forgotten. */
  void reattachDue() {
    if (reattacher.isEmpty()) {
      return;
    }
    List<ChannelLink> due = reattacher.takeDue(clock.nanoTime());
    for (int i = 0; i < due.size(); i++) {
      ChannelLink link = due.get(i);
      Channel c = link.channel;
      if (c.vm().channel(c.number()) != c || registry.find(c.vm().name()).orElse(null) != c.vm()) {
        links.remove(c);
        continue;
      }
      try {
        open(link);
      } catch (IOException e) {
        c.lastError(e.getMessage());
        link.attempts++;
        reattacher.schedule(link);
        log.debug(
            "{}: re-attach failed ({}), next try in {} attempts", c, e.getMessage(), link.attempts);
      }
    }
  }

  /** Makes the re-attach of {@code channel} due now, if it waits for one. */
  void retryNow(Channel channel) {
    ChannelLink link = links.get(channel);
    if (link != null) {
      reattacher.retryNow(link);
    }
  }

  /** Closes the connection of {@code channel} and forgets it (rm_channels). */
  void detach(Channel channel) {
    ChannelLink link = links.remove(channel);
    if (link != null) {
      closeEndpoint(link);
    }
    if (channel.state() != ChannelState.DISCONNECTED) {
      channel.stateMachine().fire(ChannelEvent.HUNG_UP);
    }
    if (link != null) {
      reattacher.forget(link);
      link.reset();
    }
  }

  /** Closes every connection (shutdown): every channel DISCONNECTED, nothing re-attached. */
  void closeAll() {
    for (ChannelLink link : links.values()) {
      closeEndpoint(link);
      disconnected(link.channel);
    }
    for (Channel c : registry.channels()) {
      disconnected(c);
    }
    reattacher.clear();
  }

  private static void disconnected(Channel c) {
    if (c.state() != ChannelState.DISCONNECTED) {
      c.stateMachine().fire(ChannelEvent.HUNG_UP);
    }
  }

  private static void closeEndpoint(ChannelLink link) {
    ChannelEndpoint ep = link.endpoint;
    if (ep != null) {
      ep.close();
      link.endpoint = null;
    }
  }
}
