package io.pointsplatform.notification.webhook.service;

import com.google.common.net.InetAddresses;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where webhooks may go: outside addresses only. Checked when an endpoint is registered and again
 * before every attempt (the host's DNS answer may have changed to an inside address since: DNS
 * rebinding). Cloud metadata services are refused always; loopback, private (RFC 1918, IPv6 unique
 * local), link-local, carrier-grade NAT, unspecified and multicast addresses unless
 * {@code points.webhooks.allow-private-networks} is true.
 */
@ApplicationScoped
public class ReceiverAddresses {

    /**
     * AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 (fd00:ec2::254), ECS tasks, Alibaba Cloud:
     * compared by their bytes, so that no spelling of them (an IPv6 zone id such as
     * {@code [fd00:ec2::254%1]}, which the text compared until 2026-12-06 missed) gets past.
     */
    private static final List<byte[]> METADATA = Stream.of("169.254.169.254", "fd00:ec2::254", "169.254.170.2",
            "100.100.100.200").map(ReceiverAddresses::literal).toList();

    private final boolean allowPrivate;

    private static byte[] literal(String address) {
        try {
            return InetAddress.getByName(address).getAddress();   // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new IllegalStateException(address, e);
        }
    }

    public ReceiverAddresses(@ConfigProperty(name = "points.webhooks.allow-private-networks") boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Null when every address the URL's host resolves to may be called; else why not. Blocks on DNS. */
    public String refusal(URI url) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            return "its host " + url.getHost() + " does not resolve";
        }
        for (InetAddress address : addresses) {
            String why = refusal(address, allowPrivate);
            if (why != null) {
                return "its host " + url.getHost() + " resolves to " + address.getHostAddress() + ", " + why;
            }
        }
        return null;
    }

    static String refusal(InetAddress address, boolean allowPrivate) {
        Inet4Address embedded = embeddedIpv4(address);
        if (embedded != null) {
            // The IPv4 address a transition mechanism (NAT64, 6to4, Teredo, IPv4-compatible) reaches
            // through this one: 64:ff9b::a9fe:a9fe is 169.254.169.254 wherever a NAT64 gateway is.
            String why = refusal(embedded, allowPrivate);
            if (why != null) {
                return why + " (" + embedded.getHostAddress() + ", embedded in " + address.getHostAddress() + ")";
            }
        }
        byte[] bytes = address.getAddress();
        if (METADATA.stream().anyMatch(metadata -> Arrays.equals(metadata, bytes))) {
            return "a cloud metadata address";
        }
        if (allowPrivate) {
            return null;
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "not a unicast address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "a private (unique local) address";
        }
        if (address instanceof Inet4Address && ((b[0] & 0xff) == 0 || ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64))) {
            return "a private (carrier-grade NAT or this-network) address";
        }
        return null;
    }

    /**
     * NAT64's well-known prefixes: RFC 6052's 64:ff9b::/96, and RFC 8215's 64:ff9b:1::/48 read as a
     * /96 (an operator's shorter prefix there splits the IPv4 address, and is not recognised).
     */
    private static final byte[] NAT64 = {0x00, 0x64, (byte) 0xff, (byte) 0x9b};

    /**
     * The IPv4 address an IPv6 address embeds, else null: IPv4-compatible, 6to4 and Teredo (Guava's
     * {@link InetAddresses#getEmbeddedIPv4ClientAddress}), and NAT64's well-known prefixes, whose last
     * 32 bits are the IPv4 address (Guava does not know NAT64). IPv4-mapped addresses
     * (::ffff:a.b.c.d) Java reads as IPv4 already.
     */
    static Inet4Address embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return null;
        }
        if (InetAddresses.hasEmbeddedIPv4ClientAddress(v6)) {
            return InetAddresses.getEmbeddedIPv4ClientAddress(v6);
        }
        byte[] b = v6.getAddress();
        boolean wellKnown = java.util.Arrays.equals(b, 0, 4, NAT64, 0, 4)
                && (isZero(b, 4, 12) || (b[4] == 0 && b[5] == 1));
        if (!wellKnown) {
            return null;
        }
        return (Inet4Address) InetAddresses.fromInteger(((b[12] & 0xff) << 24) | ((b[13] & 0xff) << 16)
                | ((b[14] & 0xff) << 8) | (b[15] & 0xff));
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
