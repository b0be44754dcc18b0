package io.vmpower.hal.linux.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A secure reading of libvirt's XML (no DOCTYPE, no external entities: libvirt never writes them)
 * and the few DOM walks the readers of domain XML need.
 */
final class LibvirtXml {
  private LibvirtXml() {}

  /**
   * @throws IllegalArgumentException when the text is not well-formed XML
   */
  static Document parse(String xml) {
    DocumentBuilder builder = BUILDER.get();
    try {
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (SAXException e) {
      throw new IllegalArgumentException("unreadable domain XML: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read a domain XML string: " + e.getMessage(), e);
    } finally {
      builder.reset();
      builder.setErrorHandler(QUIET);
    }
  }

  /**
   * One parser per thread, made once (a factory is found and configured anew otherwise, on every
   * reading of every domain: the daemon reads each domain again every few seconds).
   */
  private static final ThreadLocal<DocumentBuilder> BUILDER =
      ThreadLocal.withInitial(LibvirtXml::newBuilder);

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setNamespaceAware(true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(QUIET);
      return builder;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("cannot set up a secure XML parser: " + e.getMessage(), e);
    }
  }

  /** Fails on errors instead of printing them to stderr, as the JDK's default handler does. */
  private static final ErrorHandler QUIET =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };

  /** The first child element {@code <name>} of {@code parent}, or null. */
  static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (isElement(n, name)) {
        return (Element) n;
      }
    }
    return null;
  }

  /** Every child element {@code <name>} of {@code parent}, in document order. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (isElement(n, name)) {
        out.add((Element) n);
      }
    }
    return out;
  }

  /** Whether {@code n} is an element {@code <name>} without a namespace (libvirt's own). */
  static boolean isElement(Node n, String name) {
    return n.getNodeType() == Node.ELEMENT_NODE
        && n.getNamespaceURI() == null
        && name.equals(n.getLocalName());
  }

  /** The root element, which must be {@code <domain>}. */
  static Element domain(Document document) {
    Element domain = document.getDocumentElement();
    if (!isElement(domain, "domain")) {
      throw new IllegalArgumentException(
          "not a libvirt domain XML: the root element is <" + domain.getTagName() + ">");
    }
    return domain;
  }
}
