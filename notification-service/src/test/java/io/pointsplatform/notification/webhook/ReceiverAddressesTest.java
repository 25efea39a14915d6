package io.pointsplatform.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.notification.webhook.service.ReceiverAddresses;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which receivers may be called, without private networks allowed (as in production). */
class ReceiverAddressesTest {

    private final ReceiverAddresses production = new ReceiverAddresses(false);
    private final ReceiverAddresses local = new ReceiverAddresses(true);

    @Test
    void insideAddressesAreRefused() {
        for (String host : new String[] {"127.0.0.1", "127.8.8.8", "[::1]", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.1.1", "169.254.169.254", "[fe80::1]", "[fc00::1]", "[fd00:ec2::254]",
                "100.64.0.1", "0.0.0.0", "[::]", "224.0.0.1", "[::ffff:10.0.0.1]", "localhost"}) {
            assertThat(production.refusal(URI.create("https://" + host + "/hook"))).as(host).isNotNull();
        }
    }

    @Test
    void outsideAddressesAreAllowed() {
        for (String host : new String[] {"8.8.8.8", "172.32.0.1", "100.128.0.1", "[2001:4860:4860::8888]"}) {
            assertThat(production.refusal(URI.create("https://" + host + "/hook"))).as(host).isNull();
        }
    }

    @Test
    void privateNetworksWhenAllowedButNeverMetadata() {
        assertThat(local.refusal(URI.create("http://127.0.0.1:8080/hook"))).isNull();
        assertThat(local.refusal(URI.create("http://10.0.0.5/hook"))).isNull();
        assertThat(local.refusal(URI.create("http://169.254.169.254/"))).contains("metadata");
        assertThat(local.refusal(URI.create("http://[fd00:ec2::254]/"))).contains("metadata");
        // With a zone id the address's text differs; its bytes do not (until 2026-12-06 it passed).
        assertThat(local.refusal(URI.create("http://[fd00:ec2::254%1]/"))).contains("metadata");
        assertThat(local.refusal(URI.create("http://[fd00:ec2:0:0:0:0:0:254]/"))).contains("metadata");
    }

    /**
     * An IPv6 address that reaches an IPv4 one through a transition mechanism is judged by the IPv4
     * address: before, each of these was an outside receiver, and NAT64's reaches the metadata
     * service wherever a NAT64 gateway (or DNS64) is in use.
     */
    @Test
    void anIpv4AddressEmbeddedInAnIpv6OneIsJudgedAsItself() {
        for (String host : new String[] {"[64:ff9b::a9fe:a9fe]", "[64:ff9b::169.254.169.254]", "[64:ff9b:1::a9fe:a9fe]",
                "[::a9fe:a9fe]", "[2002:a9fe:a9fe::1]", "[2001:0:4136:e378:8000:63bf:5601:5601]"}) {
            assertThat(local.refusal(URI.create("http://" + host + "/"))).as(host).contains("metadata");
            assertThat(production.refusal(URI.create("http://" + host + "/"))).as(host).contains("metadata");
        }
        for (String host : new String[] {"[64:ff9b::7f00:1]", "[64:ff9b::a00:1]", "[2002:c0a8:101::1]", "[::a00:1]"}) {
            assertThat(production.refusal(URI.create("https://" + host + "/hook"))).as(host).isNotNull();
            assertThat(local.refusal(URI.create("https://" + host + "/hook"))).as(host).isNull();
        }
        // An outside IPv4 address behind NAT64 or 6to4 is an outside receiver.
        for (String host : new String[] {"[64:ff9b::808:808]", "[2002:808:808::1]"}) {
            assertThat(production.refusal(URI.create("https://" + host + "/hook"))).as(host).isNull();
        }
    }

    @Test
    void anUnresolvableHostIsRefused() {
        assertThat(production.refusal(URI.create("https://no-such-host.invalid/hook"))).contains("does not resolve");
    }
}
