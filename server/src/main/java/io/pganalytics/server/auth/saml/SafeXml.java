package io.pganalytics.server.auth.saml;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one way this package reads XML: namespace-aware, secure processing on, and any document type declaration refused
 * outright, so that no entity (external or nested, as in "billion laughs") is ever declared, let alone expanded, and no
 * DTD or schema is ever fetched. The parser stops at the {@code <!DOCTYPE}: nothing after it is read.
 */
final class SafeXml {
    static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String METADATA = "urn:oasis:names:tc:SAML:2.0:metadata";
    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";

    private static final DocumentBuilderFactory FACTORY = factory();

    private SafeXml() {
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setIgnoringComments(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            // the JDK's parser knows every one of these: without them this package must not run at all
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    /**
     * Parses {@code xml}; throws {@link SamlException} naming what was wrong (a DOCTYPE, or where the document is not
     * well-formed) without echoing its contents.
     */
    static Document parse(byte[] xml, String what) {
        DocumentBuilder builder;
        try {
            synchronized (FACTORY) {
                builder = FACTORY.newDocumentBuilder();
            }
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made", e);
        }
        builder.setEntityResolver((publicId, systemId) -> {
            throw new SAXException("an external entity or DTD was referenced");
        });
        builder.setErrorHandler(new QuietErrors());
        try {
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("doctype")) {
                throw new SamlException(what + " contains a DOCTYPE declaration: DTDs and entities are refused");
            }
            throw new SamlException(what + " is not well-formed XML (line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ")");
        } catch (SAXException e) {
            throw new SamlException(what + " is not acceptable XML: " + e.getMessage());
        } catch (IOException e) {
            throw new SamlException(what + " could not be read");
        }
    }

    /** The child elements of {@code parent} named {@code namespace}:{@code localName}, in document order. */
    static List<Element> children(Node parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && is(element, namespace, localName)) {
                found.add(element);
            }
        }
        return found;
    }

    /** The only child so named, null when there is none; throws when there are several. */
    static Element child(Node parent, String namespace, String localName, String what) {
        List<Element> found = children(parent, namespace, localName);
        if (found.size() > 1) {
            throw new SamlException(what + " appears " + found.size() + " times");
        }
        return found.isEmpty() ? null : found.getFirst();
    }

    static boolean is(Element element, String namespace, String localName) {
        return namespace.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName());
    }

    /** An attribute's value, or null when absent (the DOM answers "" for both). */
    static String attribute(Element element, String name) {
        return element.hasAttributeNS(null, name) ? element.getAttributeNS(null, name) : null;
    }

    /** The trimmed text of an element, or null. */
    static String text(Element element) {
        if (element == null) {
            return null;
        }
        String text = element.getTextContent();
        return text == null ? null : text.strip();
    }

    /** Escapes text for an XML attribute value or element content. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Warnings and errors become exceptions or nothing; the parser never prints to the console. */
    private static final class QuietErrors implements ErrorHandler {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    }
}
