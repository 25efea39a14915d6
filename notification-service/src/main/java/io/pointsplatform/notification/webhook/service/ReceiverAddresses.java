package io.pointsplatform.notification.webhook.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;
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

    /** AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 (fd00:ec2::254), ECS tasks, Alibaba Cloud. */
    private static final Set<String> METADATA = Set.of("169.254.169.254", "fd00:ec2:0:0:0:0:0:254", "169.254.170.2",
            "100.100.100.200");

    private final boolean allowPrivate;

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
        if (METADATA.contains(address.getHostAddress())) {
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
}
