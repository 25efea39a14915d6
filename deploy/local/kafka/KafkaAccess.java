import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Makes the local broker what deploy/local/kafka/contract.conf says: its topics (missing ones made),
 * a SCRAM-SHA-512 credential for every principal in the passwords file (missing ones added), and
 * exactly the ACLs the contract grants (missing ones added, any other removed). Connects as the
 * operator, a super user. Run by deploy/local/kafka-up.sh with Java's source launcher, on the
 * broker's own classpath, once the broker listens:
 *
 * <pre>
 *   java -cp '.run/kafka-libs/*' deploy/local/kafka/KafkaAccess.java CONTRACT OPERATOR_PROPERTIES PASSWORDS PARTITIONS TIMEOUT_SECONDS
 * </pre>
 *
 * One JVM for all of it: a Kafka tool per topic, principal and grant would start some twenty JVMs
 * at every start of the stack, and could not tell which ACLs are no longer granted.
 */
public final class KafkaAccess {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
    /** Kafka's minimum for SCRAM-SHA-512 and its tools' default. */
    private static final int ITERATIONS = 4096;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private record Topic(String name, Map<String, String> configs) {
    }

    private record Contract(List<Topic> topics, Set<String> principals, Set<AclBinding> acls) {
    }

    private KafkaAccess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: KafkaAccess CONTRACT OPERATOR_PROPERTIES PASSWORDS PARTITIONS TIMEOUT_SECONDS");
            System.exit(2);
        }
        Contract contract = parse(Path.of(args[0]));
        Properties client = load(Path.of(args[1]));
        Map<String, String> passwords = passwords(Path.of(args[2]));
        int partitions = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        for (String principal : contract.principals()) {
            if (!passwords.containsKey(principal)) {
                fail(args[2] + " has no password for " + principal + ", which " + args[0] + " names");
            }
        }
        client.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-access");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        try (Admin admin = Admin.create(client)) {
            awaitBroker(admin, deadline);
            List<String> made = topics(admin, contract.topics(), partitions);
            List<String> added = credentials(admin, passwords);
            int[] changed = acls(admin, contract.acls());
            System.out.printf("topics %s%s; SCRAM credentials: %d principals%s; ACLs: %d (%d added, %d removed)%n",
                    contract.topics().stream().map(Topic::name).toList(),
                    made.isEmpty() ? "" : " (made " + String.join(", ", made) + ")",
                    passwords.size(), added.isEmpty() ? "" : " (added " + String.join(", ", added) + ")",
                    contract.acls().size(), changed[0], changed[1]);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                fail("the broker refused the operator (" + args[1] + "): " + cause.getMessage());
            }
            throw e;
        }
    }

    /** The contract file: topic lines and grants (see the file's own comment). */
    static Contract parse(Path file) throws IOException {
        List<Topic> topics = new ArrayList<>();
        Set<String> principals = new TreeSet<>();
        Set<AclBinding> acls = new LinkedHashSet<>();
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = file + ":" + number + ": ";
            if (words[0].equals("topic")) {
                if (words.length < 2) {
                    fail(where + "a topic line names the topic");
                }
                Map<String, String> configs = new LinkedHashMap<>();
                for (int i = 2; i < words.length; i++) {
                    int eq = words[i].indexOf('=');
                    if (eq < 1) {
                        fail(where + "a topic config is name=value, not " + words[i]);
                    }
                    configs.put(words[i].substring(0, eq), words[i].substring(eq + 1));
                }
                topics.add(new Topic(name(where, words[1]), configs));
                continue;
            }
            if (words.length < 3) {
                fail(where + "expected '<principal> writes|reads|groups <name>...'");
            }
            String principal = name(where, words[0]);
            principals.add(principal);
            for (int i = 2; i < words.length; i++) {
                String target = name(where, words[i]);
                switch (words[1]) {
                    case "writes" -> acls.add(allow(principal, ResourceType.TOPIC, target, AclOperation.WRITE));
                    case "reads" -> {
                        acls.add(allow(principal, ResourceType.TOPIC, target, AclOperation.READ));
                        // shared/CONTRACT.md: a consumer sets aside what it cannot process in <topic>.dlq.<service>.
                        String deadLetters = target + ".dlq." + principal;
                        acls.add(allow(principal, ResourceType.TOPIC, deadLetters, AclOperation.WRITE));
                        acls.add(allow(principal, ResourceType.TOPIC, deadLetters, AclOperation.CREATE));
                    }
                    case "groups" -> acls.add(allow(principal, ResourceType.GROUP, target, AclOperation.READ));
                    default -> fail(where + "unknown verb '" + words[1] + "' (writes, reads or groups)");
                }
            }
        }
        return new Contract(topics, principals, acls);
    }

    private static String name(String where, String name) {
        if (!NAME.matcher(name).matches()) {
            fail(where + "'" + name + "' is not a topic, group or principal name");
        }
        return name;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** "principal password" lines. */
    private static Map<String, String> passwords(Path file) throws IOException {
        Map<String, String> passwords = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 2) {
                passwords.put(words[0], words[1]);
            }
        }
        return passwords;
    }

    /** The broker answers once it has loaded its metadata (and so its ACLs); retried until the deadline. */
    private static void awaitBroker(Admin admin, long deadline) throws Exception {
        while (true) {
            try {
                admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (cause instanceof AuthenticationException) {
                    throw (ExecutionException) e;
                }
                if (System.nanoTime() > deadline) {
                    fail("the broker did not answer in time: " + cause);
                }
                Thread.sleep(500);
            }
        }
    }

    private static List<String> topics(Admin admin, List<Topic> topics, int partitions) throws Exception {
        Set<String> existing = admin.listTopics().names().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic topic : topics) {
            if (!existing.contains(topic.name())) {
                missing.add(new NewTopic(topic.name(), partitions, (short) 1).configs(topic.configs()));
            }
        }
        List<String> made = new ArrayList<>();
        for (var result : admin.createTopics(missing).values().entrySet()) {
            try {
                result.getValue().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                made.add(result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return made;
    }

    /** Adds a credential for each principal that has none; an existing one is left as it is. */
    private static List<String> credentials(Admin admin, Map<String, String> passwords) throws Exception {
        Map<String, UserScramCredentialsDescription> described =
                admin.describeUserScramCredentials().all().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (Map.Entry<String, String> entry : passwords.entrySet()) {
            UserScramCredentialsDescription description = described.get(entry.getKey());
            boolean has = description != null
                    && description.credentialInfos().stream().anyMatch(info -> info.mechanism() == MECHANISM);
            if (!has) {
                upserts.add(new UserScramCredentialUpsertion(entry.getKey(),
                        new ScramCredentialInfo(MECHANISM, ITERATIONS), entry.getValue()));
            }
        }
        if (!upserts.isEmpty()) {
            admin.alterUserScramCredentials(upserts).all().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return upserts.stream().map(UserScramCredentialAlteration::user).toList();
    }

    /** Makes the broker's ACLs exactly {@code wanted}; returns {added, removed}. */
    private static int[] acls(Admin admin, Set<AclBinding> wanted) throws Exception {
        Collection<AclBinding> existing =
                admin.describeAcls(AclBindingFilter.ANY).values().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Set<AclBinding> have = new HashSet<>(existing);
        List<AclBinding> add = wanted.stream().filter(acl -> !have.contains(acl)).toList();
        List<AclBindingFilter> remove = existing.stream().filter(acl -> !wanted.contains(acl)).map(AclBinding::toFilter).toList();
        if (!remove.isEmpty()) {
            admin.deleteAcls(remove).all().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        if (!add.isEmpty()) {
            admin.createAcls(add).all().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return new int[] {add.size(), remove.size()};
    }

    private static void fail(String message) {
        System.err.println("KafkaAccess: " + message);
        System.exit(1);
    }
}
