package org.carillon.core.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.dht.crypto.Identity;

/**
 * The archive's JSON, field for field as jamid 13.7's {@code AccountArchive::serialize} and
 * {@code deserialize} (accountarchive.cpp): keys are base64 of PEM PKCS#8, the account
 * certificate base64 of the PEM chain [account, CA], the CRL base64 of its DER, contacts as
 * {@code {uri: {added, removed?, confirmed?, banned?, conversationId}}}. Output is compact with
 * keys sorted, as jsoncpp writes it.
 */
final class AccountArchiveJson {
    static final String CA_KEY = "ringCaKey";
    static final String ACCOUNT_KEY = "ringAccountKey";
    static final String ACCOUNT_CERT = "ringAccountCert";
    static final String ETH_KEY = "ethKey";
    static final String CRL = "ringAccountCRL";
    static final String CONTACTS = "ringAccountContacts";

    /** Device-local settings jamid drops when it imports an archive. */
    static final Set<String> DROPPED = Set.of(
            "TLS.certificateListFile",
            "TLS.privateKeyFile",
            "TLS.certificateFile",
            "Account.dhtProxyListUrl",
            "Account.autoAnswer",
            "Account.proxyEnabled",
            "Account.proxyServer",
            "Account.proxyPushToken");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // jsoncpp escapes non-ASCII with lowercase hex digits (emitUTF8 is off)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    private AccountArchiveJson() {}

    static byte[] write(AccountArchive archive) {
        Map<String, JsonNode> fields = new TreeMap<>();
        archive.config().forEach((k, v) -> fields.put(k, MAPPER.getNodeFactory().textNode(v)));
        archive.json().forEach((k, v) -> fields.put(k, parseKept(k, v)));
        Base64.Encoder b64 = Base64.getEncoder();
        if (archive.caKey() != null && archive.caKey().getPrivate() != null) {
            fields.put(
                    CA_KEY,
                    text(b64.encodeToString(pemPrivateKey(archive.caKey().getPrivate()))));
        }
        fields.put(
                ACCOUNT_KEY,
                text(b64.encodeToString(pemPrivateKey(archive.account().key().getPrivate()))));
        fields.put(
                ACCOUNT_CERT,
                text(b64.encodeToString(pemCertificates(archive.account().chain()))));
        fields.put(ETH_KEY, text(b64.encodeToString(archive.ethKey())));
        if (archive.crl() != null) {
            fields.put(CRL, text(b64.encodeToString(archive.crl())));
        }
        if (!archive.contacts().isEmpty()) {
            Map<String, JsonNode> contacts = new TreeMap<>();
            archive.contacts().forEach((id, c) -> contacts.put(id.hex(), contactJson(c)));
            ObjectNode node = MAPPER.createObjectNode();
            contacts.forEach(node::set);
            fields.put(CONTACTS, node);
        }
        ObjectNode root = MAPPER.createObjectNode();
        fields.forEach(root::set);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a JSON tree in memory cannot fail", e);
        }
    }

    static AccountArchive read(byte[] data, Path path) throws ArchiveException {
        JsonNode root;
        try {
            root = MAPPER.readTree(data);
        } catch (IOException e) {
            throw new ArchiveException(path, "not an archive (not JSON: " + firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ArchiveException(path, "not an archive (the JSON is not an object)");
        }
        PrivateKey caPrivate = null;
        PrivateKey accountPrivate = null;
        List<X509Certificate> chain = null;
        byte[] ethKey = new byte[0];
        byte[] crl = null;
        Map<AccountId, Contact> contacts = new LinkedHashMap<>();
        Map<String, String> config = new TreeMap<>();
        Map<String, String> json = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.isEmpty() || DROPPED.contains(key)) {
                continue;
            }
            switch (key) {
                case CA_KEY:
                    caPrivate = privateKey(base64(value, key, path), key, path);
                    break;
                case ACCOUNT_KEY:
                    accountPrivate = privateKey(base64(value, key, path), key, path);
                    break;
                case ACCOUNT_CERT:
                    chain = certificates(base64(value, key, path), key, path);
                    break;
                case ETH_KEY:
                    ethKey = base64(value, key, path);
                    break;
                case CRL:
                    crl = base64(value, key, path);
                    break;
                case CONTACTS:
                    readContacts(value, contacts, path);
                    break;
                default:
                    if (value.isContainerNode()) {
                        json.put(key, value.toString());
                    } else {
                        config.put(key, value.isNull() ? "" : value.asText());
                    }
            }
        }
        if (accountPrivate == null) {
            throw new ArchiveException(path, "missing " + ACCOUNT_KEY);
        }
        if (chain == null) {
            throw new ArchiveException(path, "missing " + ACCOUNT_CERT);
        }
        if (chain.size() < 2) {
            throw new ArchiveException(path, ACCOUNT_CERT + " lacks the CA certificate");
        }
        if (!sameKey(accountPrivate, chain.get(0).getPublicKey())) {
            throw new ArchiveException(path, ACCOUNT_KEY + " does not match " + ACCOUNT_CERT);
        }
        KeyPair caKey = null;
        if (caPrivate != null) {
            PublicKey caPublic = chain.get(chain.size() - 1).getPublicKey();
            if (!sameKey(caPrivate, caPublic)) {
                throw new ArchiveException(path, CA_KEY + " does not match the CA certificate in " + ACCOUNT_CERT);
            }
            caKey = new KeyPair(caPublic, caPrivate);
        }
        Identity account = new Identity(new KeyPair(chain.get(0).getPublicKey(), accountPrivate), chain);
        return new AccountArchive(caKey, account, ethKey, crl, contacts, config, json);
    }

    /** jamid's {@code Contact(json)}: missing fields read as 0, false, "". */
    private static void readContacts(JsonNode node, Map<AccountId, Contact> into, Path path) throws ArchiveException {
        if (!node.isObject()) {
            throw new ArchiveException(path, CONTACTS + " is not a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            AccountId id;
            try {
                id = AccountId.parse(e.getKey());
            } catch (IllegalArgumentException bad) {
                continue; // jamid skips what does not parse as an InfoHash
            }
            if (id.hash().isZero()) {
                continue;
            }
            JsonNode c = e.getValue();
            into.put(
                    id,
                    new Contact(
                            id,
                            c.path("added").asLong(0),
                            c.path("removed").asLong(0),
                            c.path("confirmed").asBoolean(false),
                            c.path("banned").asBoolean(false),
                            c.path("conversationId").asText("")));
        }
    }

    /** jamid's {@code Contact::toJson}: removed, confirmed and banned only when set. */
    private static JsonNode contactJson(Contact c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("added", c.addedSeconds());
        if (c.banned()) {
            n.put("banned", true);
        }
        if (c.confirmed()) {
            n.put("confirmed", true);
        }
        n.put("conversationId", c.conversationId());
        if (c.removedSeconds() != 0) {
            n.put("removed", c.removedSeconds());
        }
        return n;
    }

    private static JsonNode text(String s) {
        return MAPPER.getNodeFactory().textNode(s);
    }

    private static JsonNode parseKept(String key, String jsonText) {
        try {
            return MAPPER.readTree(jsonText);
        } catch (IOException e) {
            throw new IllegalArgumentException("archive field " + key + " does not hold JSON", e);
        }
    }

    private static byte[] base64(JsonNode value, String key, Path path) throws ArchiveException {
        if (!value.isTextual()) {
            throw new ArchiveException(path, key + " is not a string");
        }
        try {
            return Base64.getMimeDecoder().decode(value.asText());
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(path, key + " is not base64", e);
        }
    }

    /** PEM (PKCS#8 or PKCS#1) or DER, as GnuTLS's import2 tries them. */
    private static PrivateKey privateKey(byte[] encoded, String key, Path path) throws ArchiveException {
        try {
            String text = new String(encoded, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN")) {
                try (PEMParser parser = new PEMParser(new StringReader(text))) {
                    Object o = parser.readObject();
                    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                    if (o instanceof PrivateKeyInfo info) {
                        return converter.getPrivateKey(info);
                    }
                    if (o instanceof PEMKeyPair pair) {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    throw new ArchiveException(
                            path,
                            key + " is not a plain private key"
                                    + (o == null ? "" : " (" + o.getClass().getSimpleName() + ")"));
                }
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(encoded));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ArchiveException(path, key + " is not a private key: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(byte[] encoded, String key, Path path) throws ArchiveException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(encoded))
                    .forEach(c -> out.add((X509Certificate) c));
            if (out.isEmpty()) {
                throw new ArchiveException(path, key + " holds no certificate");
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ArchiveException(path, key + " is not a certificate chain: " + e.getMessage(), e);
        }
    }

    private static boolean sameKey(PrivateKey priv, PublicKey pub) {
        return priv instanceof RSAKey a
                && pub instanceof RSAKey b
                && a.getModulus().equals(b.getModulus());
    }

    /** GnuTLS's PEM: 64-column base64 between BEGIN and END lines, each ended by a newline. */
    static byte[] pemPrivateKey(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] pemCertificates(List<X509Certificate> chain) {
        StringBuilder s = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                s.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
