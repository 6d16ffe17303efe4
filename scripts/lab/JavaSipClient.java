// SPDX-License-Identifier: GPL-2.0-or-later
//
// A SIP-over-TLS client on Java's own TLS stack (SunJSSE), the stack CVP and VVB run on.
// It trusts only the CA certificates in one PEM file, opens TLS 1.2 to a SIP server and, if
// the handshake succeeds, sends one OPTIONS and prints the response's status line.
//
// The lab uses it to record what a Java peer sends when it does not trust the server's
// certificate: the fatal alert certificate_unknown (46), where OpenSSL would say unknown_ca.
//
// It also records what a Java client without a certificate does when the server requires one
// in TLS 1.3: its handshake ends with its Finished, and only its OPTIONS learns of the
// server's refusal (an encrypted alert, then a reset).
//
// Usage: java JavaSipClient.java TRUST_PEM LOCAL_ADDR SERVER_ADDR PORT SERVER_NAME [PROTOCOL]
// PROTOCOL: TLSv1.2 (default) or TLSv1.3.
// Exit status: 0 OPTIONS answered, 2 TLS handshake refused, 3 refused after the handshake
// (an alert or a reset instead of an answer), 1 anything else.
// Java 17, standard library only.

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public final class JavaSipClient {
    private static final int TIMEOUT_MS = 10_000;
    private static final int EXIT_ANSWERED = 0;
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_REFUSED = 2;
    private static final int EXIT_REFUSED_LATE = 3;

    private JavaSipClient() {}

    public static void main(String[] args) {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: java JavaSipClient.java TRUST_PEM LOCAL_ADDR SERVER_ADDR"
                    + " PORT NAME [TLSv1.2|TLSv1.3]");
            System.exit(EXIT_FAILED);
        }
        String protocol = args.length == 6 ? args[5] : "TLSv1.2"; // CVP 12.5+ speaks 1.2
        try {
            SSLContext context = contextTrusting(args[0], protocol);
            System.exit(call(context, protocol, args[1], args[2], Integer.parseInt(args[3]),
                    args[4]));
        } catch (IOException | GeneralSecurityException | NumberFormatException e) {
            System.err.println("JavaSipClient: " + e);
            System.exit(EXIT_FAILED);
        }
    }

    /** A TLS context whose trust store holds exactly the certificates of one PEM file. */
    private static SSLContext contextTrusting(String pemPath, String protocol)
            throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = new FileInputStream(pemPath)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + pemPath);
            }
            int index = 0;
            for (Certificate cert : certs) {
                trust.setCertificateEntry("lab-ca-" + index++, cert);
            }
        }
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static int call(SSLContext context, String protocol, String local, String server,
            int port, String serverName) throws IOException {
        Socket tcp = new Socket();
        tcp.setTcpNoDelay(true);
        tcp.setSoTimeout(TIMEOUT_MS);
        tcp.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        tcp.connect(new InetSocketAddress(InetAddress.getByName(server), port), TIMEOUT_MS);
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(
                     tcp, serverName, port, true)) {
            tls.setEnabledProtocols(new String[] {protocol});
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(serverName)));
            tls.setSSLParameters(params);
            try {
                tls.startHandshake();
            } catch (SSLHandshakeException e) {
                // SunJSSE has already sent its fatal alert and closed the connection.
                System.out.println("handshake refused: " + e.getMessage());
                return EXIT_REFUSED;
            }
            String status;
            try {
                status = options(tls, local, server, port);
            } catch (IOException e) { // the server's alert, or its reset, instead of an answer
                System.out.println("refused after the handshake: " + e);
                return EXIT_REFUSED_LATE;
            }
            System.out.println("answered: " + status);
            return EXIT_ANSWERED;
        }
    }

    /** Send one OPTIONS; return the status line of the answer. */
    private static String options(SSLSocket tls, String local, String server, int port)
            throws IOException {
        String request = "OPTIONS sip:" + server + ":" + port + ";transport=tls SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS " + local + ":" + tls.getLocalPort()
                + ";branch=z9hG4bKjava1\r\n"
                + "From: <sip:ping@" + local + ">;tag=java1\r\n"
                + "To: <sip:ping@" + server + ">\r\n"
                + "Call-ID: java-options-1@" + local + "\r\n"
                + "CSeq: 101 OPTIONS\r\n"
                + "Max-Forwards: 70\r\n"
                + "User-Agent: JavaSipClient\r\n"
                + "Content-Length: 0\r\n\r\n";
        OutputStream out = tls.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return firstLine(tls.getInputStream());
    }

    /** The first CRLF-terminated line of a stream, at most 1 KiB of it. */
    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int c = in.read(); c >= 0 && line.size() < 1024; c = in.read()) {
            if (previous == '\r' && c == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(c);
            previous = c;
        }
        throw new IOException("no status line in the answer");
    }
}
