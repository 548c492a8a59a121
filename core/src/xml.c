/*
 * xml.c -- S3 response bodies into results, with mxml 3.3.1.
 *
 * mxml lives only here. Its loader is lenient in ways a response parser
 * cannot be (mxml-file.c, mxml_load_data): text after the root is dropped,
 * an unclosed root or a close tag cut before its '>' still yields a tree,
 * and a byte it cannot decode ends the input early as if at EOF. So the
 * body is loaded under our own top node, followed by a sentinel element,
 * and the top level is checked afterwards: optional whitespace, <?...?>
 * and comments, exactly one element (the root), then the sentinel last.
 * Whatever a truncated body leaves open swallows or breaks the sentinel.
 */
#include "internal.h"

#include <mxml.h>
#include <stdlib.h>

/* Appended to every body. An input that contains it too has two of them,
 * and the first one then counts as a second root. */
#define XML_SENTINEL "s3mpu-end"
static const char xml_tail[] = "<" XML_SENTINEL "/>";

/* Name of the top node. A close tag can never name it (a raw or
 * entity-encoded control character ends mxml's input), so the loader's
 * current parent is never NULL: no orphan nodes, no second-root logic. */
#define XML_TOP_NAME "\x01"

/* The longest run of bytes mxml gathers in one piece: character data
 * between two tags, a name, a comment. mxml grows its buffer 1 KiB at a
 * time (mxml-file.c, mxml_add_char), which is quadratic wherever realloc
 * copies (ASan's always does). The longest
 * real value, a CanonicalRequestBytes in SignatureDoesNotMatch, is tens
 * of KiB. */
#define XML_RUN_MAX (256u << 10)

enum {
	COPY_STRICT,
	COPY_TRUNCATE
};

/*
 * mxml 3.3.1 reports parse errors through mxml_error(), which prints to
 * stderr unless an error callback is set. The callback is kept in mxml's
 * per-thread globals (pthread TLS; a plain static in builds without
 * threads, such as wasm), so installing this same function before every
 * load is idempotent and race-free, and we keep no state of our own. It
 * replaces any callback the embedding program set on that thread.
 */
static void xml_quiet(const char *message) { (void)message; }

static int xml_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int all_space(const char *s)
{
	for (; *s; s++)
		if (!xml_space((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * The body is copied for mxml through a lexer that follows mxml's own
 * (mxml-file.c: mxml_load_data, mxml_parse_element) and leaves out the
 * attributes of start tags: nothing here reads them (namespaces are
 * matched by local name), and mxml handles them badly. It checks each new
 * attribute against all the previous and grows the array one slot at a
 * time (quadratic in their number), and it leaks that array
 * when the strdup of the first name fails (mxml-attr.c, mxml_set_attr).
 * The lexer tracks mxml's states exactly where they decide what is a tag,
 * so that no attribute can hide from it; where mxml would fail, it fails.
 */
enum {
	LEX_TEXT,     /* character data */
	LEX_NAME,     /* after '<': the tag name */
	LEX_CLOSE,    /* rest of a close tag, up to '>' */
	LEX_DECL,     /* <!DOCTYPE ...>, up to '>' */
	LEX_COMMENT,  /* <!-- ... */
	LEX_CDATA,    /* <![CDATA[ ... */
	LEX_PI,       /* <? ... */
	LEX_ATTR_SEP, /* in a start tag, between attributes */
	LEX_ATTR_NAME,
	LEX_ATTR_EQ,   /* after an attribute name, before '=' */
	LEX_ATTR_VAL0, /* after '=', before the value */
	LEX_ATTR_QVAL, /* quoted value */
	LEX_ATTR_UVAL, /* unquoted value */
	LEX_GT         /* after '/' or '?' in a tag: '>' must follow */
};

/* The lexer's state between two bytes. */
typedef struct {
	int state;             /* LEX_* */
	size_t name_len;       /* LEX_NAME: bytes of the name seen;
	                        * LEX_COMMENT: bytes after "!--", up to 2 */
	unsigned char name[8]; /* the name's first bytes */
	unsigned char last[3]; /* the bytes before this one, where an end
	                        * marker ("-->", "]]>", "?>") is looked for */
	unsigned char quote;   /* LEX_ATTR_QVAL: the closing quote */
	size_t nodes;          /* markup so far but close tags */
	size_t depth;          /* elements open */
	int opened;            /* this tag added to depth */
} lexer;

/* A byte of a tag name (after '<'). */
static int lex_name(lexer *lx, unsigned char c, int space, int *keep)
{
	if (space || c == '/') {
		if (c == '/' && lx->name_len == 0)
			lx->name[lx->name_len++] = c;
		else if (lx->name_len > 0 && lx->name[0] == '/')
			lx->state = LEX_CLOSE;
		else if (lx->name_len > 0 && lx->name[0] == '!')
			lx->state = LEX_DECL;
		else if (c == '/')
			lx->state = LEX_GT;
		else {
			lx->state = LEX_ATTR_SEP;
			*keep = 0;
		}
		return S3MPU_OK;
	}
	if (c == '>') {
		lx->state = LEX_TEXT;
		return S3MPU_OK;
	}
	if (c == '<' || c == '&' || (c < '0' && c != '!' && c != '-' && c != '.'))
		return S3MPU_E_XML;
	if (lx->name_len < sizeof lx->name)
		lx->name[lx->name_len] = c;
	lx->name_len++;
	if (lx->name_len == 1 && c == '?') {
		lx->state = LEX_PI;
		lx->last[2] = '?';
	} else if (lx->name_len == 3 && memcmp(lx->name, "!--", 3) == 0) {
		lx->state = LEX_COMMENT;
		lx->name_len = 0; /* now: bytes gathered after "!--" */
		memcpy(lx->last, "!--", 3);
	} else if (lx->name_len == 8 && memcmp(lx->name, "![CDATA[", 8) == 0) {
		lx->state = LEX_CDATA;
		memcpy(lx->last, "A[", 2);
	}
	return S3MPU_OK;
}

/* A byte of markup whose content mxml keeps as it is: a close tag, a
 * declaration, a comment, CDATA, <?...?>, or the '>' after '/' or '?'. */
static int lex_skip(lexer *lx, unsigned char c)
{
	switch (lx->state) {
	case LEX_CLOSE:
	case LEX_DECL:
		if (c == '>')
			lx->state = LEX_TEXT;
		break;
	case LEX_COMMENT:
		/* mxml ends it at '>' after "--" not preceded by '-'. */
		if (c == '>' && lx->name_len >= 2 && lx->last[0] != '-' && lx->last[1] == '-' &&
			lx->last[2] == '-') {
			lx->state = LEX_TEXT;
			break;
		}
		lx->last[0] = lx->last[1];
		lx->last[1] = lx->last[2];
		lx->last[2] = c;
		if (lx->name_len < 2)
			lx->name_len++;
		break;
	case LEX_CDATA:
		if (c == '>' && lx->last[0] == ']' && lx->last[1] == ']') {
			lx->state = LEX_TEXT;
			break;
		}
		lx->last[0] = lx->last[1];
		lx->last[1] = c;
		break;
	case LEX_PI:
		if (c == '>' && lx->last[2] == '?')
			lx->state = LEX_TEXT;
		else
			lx->last[2] = c;
		break;
	default: /* LEX_GT */
		if (c != '>')
			return S3MPU_E_XML;
		lx->state = LEX_TEXT;
		break;
	}
	return S3MPU_OK;
}

/* A byte of a start tag's attributes, which are left out (*keep 0) but
 * for the tag's end. */
static int lex_attr(lexer *lx, unsigned char c, int space, int *keep)
{
	*keep = 0;
	switch (lx->state) {
	case LEX_ATTR_SEP:
		/* mxml takes "?>" for '>' here (an open tag). */
		*keep = c == '/' || c == '>';
		if (c == '/' || c == '?')
			lx->state = LEX_GT;
		else if (c == '>')
			lx->state = LEX_TEXT;
		else if (c == '<' || c == '"' || c == '\'')
			return S3MPU_E_XML; /* mxml fails on both */
		else if (!space)
			lx->state = LEX_ATTR_NAME;
		break;
	case LEX_ATTR_NAME:
		if (c == '=')
			lx->state = LEX_ATTR_VAL0;
		else if (space)
			lx->state = LEX_ATTR_EQ;
		else if (c == '/' || c == '>' || c == '?')
			return S3MPU_E_XML; /* attribute without a value */
		break;
	case LEX_ATTR_EQ:
		if (c == '=')
			lx->state = LEX_ATTR_VAL0;
		else if (!space)
			return S3MPU_E_XML;
		break;
	case LEX_ATTR_VAL0:
		if (c == '"' || c == '\'') {
			lx->quote = c;
			lx->state = LEX_ATTR_QVAL;
		} else if (!space) {
			lx->state = LEX_ATTR_UVAL; /* even '>' starts a value */
		}
		break;
	case LEX_ATTR_QVAL:
		if (c == lx->quote)
			lx->state = LEX_ATTR_SEP;
		break;
	default: /* LEX_ATTR_UVAL */
		*keep = c == '/' || c == '>';
		if (space || c == '=')
			lx->state = LEX_ATTR_SEP;
		else if (c == '/')
			lx->state = LEX_GT;
		else if (c == '>')
			lx->state = LEX_TEXT;
		break;
	}
	return S3MPU_OK;
}

/* One byte: S3MPU_OK or S3MPU_E_XML; `*keep` says whether mxml sees it. */
static int lex_step(lexer *lx, unsigned char c, int *keep)
{
	int space = xml_space(c);

	*keep = 1;
	switch (lx->state) {
	case LEX_TEXT:
		if (c == '<') {
			lx->state = LEX_NAME;
			lx->name_len = 0;
		}
		return S3MPU_OK;
	case LEX_NAME: return lex_name(lx, c, space, keep);
	case LEX_ATTR_SEP:
	case LEX_ATTR_NAME:
	case LEX_ATTR_EQ:
	case LEX_ATTR_VAL0:
	case LEX_ATTR_QVAL:
	case LEX_ATTR_UVAL: return lex_attr(lx, c, space, keep);
	default: return lex_skip(lx, c);
	}
}

/*
 * Count what mxml makes a node of after byte `c` took the lexer from state
 * `before` (name_len was `name_before`): S3MPU_E_XML_SIZE past
 * S3MPU_XML_NODES_MAX or S3MPU_XML_DEPTH_MAX, so no flood reaches mxml.
 */
static int lex_count(lexer *lx, int before, size_t name_before, unsigned char c)
{
	if (before == LEX_TEXT && lx->state == LEX_NAME) {
		lx->opened = 0;
	} else if (before == LEX_NAME && name_before == 0 && lx->name_len == 1) {
		/* The first byte of the name: a close tag, or markup that
		 * does not nest ('!' or '?'), or an element. ("<>" and "< "
		 * make no node: mxml refuses them.) */
		if (c == '/') {
			lx->depth -= lx->depth > 0;
			return S3MPU_OK;
		}
		if (++lx->nodes > S3MPU_XML_NODES_MAX)
			return S3MPU_E_XML_SIZE;
		if (c != '!' && c != '?') {
			lx->opened = 1;
			if (++lx->depth > S3MPU_XML_DEPTH_MAX)
				return S3MPU_E_XML_SIZE;
		}
	} else if (lx->state == LEX_GT && before != LEX_GT && c == '/' && lx->opened) {
		lx->depth--; /* "<a/>" */
	}
	return S3MPU_OK;
}

/*
 * Copy `in` to `out` (room for `len` bytes) without attributes; `*out_len`
 * gets the length; runs longer than XML_RUN_MAX and markup past the
 * limits of lex_count are S3MPU_E_XML_SIZE.
 * Also refused (S3MPU_E_XML): NUL (mxml needs a C
 * string); 0xFE and 0xFF (never in UTF-8: mxml takes them for a UTF-16
 * byte-order mark and then reads past the terminating NUL); U+FEFF past
 * the start (mxml drops it silently, even inside "-->" or a value); '&'
 * in a tag name (an entity there can turn the name into "!--" or "?"); an
 * attribute mxml would refuse; and input that ends inside markup.
 */
static int xml_prepare(const unsigned char *in, size_t len, char *out, size_t *out_len)
{
	lexer lx;
	size_t i = 0, o = 0, run = 0;

	memset(&lx, 0, sizeof lx);
	lx.state = LEX_TEXT;
	/* mxml need not see whitespace around the document (S3 may send a
	 * lot before a late Complete result), nor a UTF-8 byte-order mark. */
	if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && xml_space(in[i]))
		i++;
	while (len > i && xml_space(in[len - 1]))
		len--;
	for (; i < len; i++) {
		unsigned char c = in[i];
		int keep, before = lx.state, rc;
		size_t name_before = lx.name_len;

		if (c == 0 || c == 0xfe || c == 0xff)
			return S3MPU_E_XML;
		if (c == 0xef && i + 2 < len && in[i + 1] == 0xbb && in[i + 2] == 0xbf)
			return S3MPU_E_XML;
		if ((rc = lex_step(&lx, c, &keep)) != S3MPU_OK ||
			(rc = lex_count(&lx, before, name_before, c)) != S3MPU_OK)
			return rc;
		if (keep)
			out[o++] = (char)c;
		if (lx.state != before)
			run = 0;
		else if (++run > XML_RUN_MAX)
			return S3MPU_E_XML_SIZE;
	}
	if (lx.state != LEX_TEXT)
		return S3MPU_E_XML; /* cut inside markup */
	*out_len = o;
	return S3MPU_OK;
}

/* Element name without its namespace prefix. */
static const char *local_name(mxml_node_t *node)
{
	const char *name = mxmlGetElement(node);
	const char *colon;

	if (name == NULL)
		return "";
	colon = strrchr(name, ':');
	return colon ? colon + 1 : name;
}

/* A real element: not a comment, CDATA, declaration or <?...?>. */
static int is_element(mxml_node_t *node)
{
	const char *name;

	if (mxmlGetType(node) != MXML_ELEMENT)
		return 0;
	name = mxmlGetElement(node);
	return name != NULL && name[0] != '!' && name[0] != '?';
}

static int is_comment(mxml_node_t *node)
{
	const char *name = mxmlGetElement(node);
	return mxmlGetType(node) == MXML_ELEMENT && name != NULL && strncmp(name, "!--", 3) == 0;
}

/* First child element of `parent` with local name `name`, or NULL. */
static mxml_node_t *child(mxml_node_t *parent, const char *name)
{
	mxml_node_t *n;

	for (n = mxmlGetFirstChild(parent); n; n = mxmlGetNextSibling(n))
		if (is_element(n) && strcmp(local_name(n), name) == 0)
			return n;
	return NULL;
}

/* Length of the longest prefix of s[0..n) that ends on a UTF-8 boundary. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t i = n, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 3)
		i--;
	if (i == 0)
		return n;
	lead = (unsigned char)s[i - 1];
	if (lead < 0x80)
		return n;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return n - (i - 1) >= need ? n : i - 1;
}

/*
 * The character data of element `el` (text and CDATA, entities decoded,
 * comments skipped) into out[cap], NUL-terminated; `*len` gets its length
 * (may be NULL). A child element makes it S3MPU_E_XML_DOCUMENT. Too long:
 * S3MPU_E_XML_SIZE, or with COPY_TRUNCATE as much as fits, cut on a UTF-8
 * character boundary.
 */
static int text_copy(mxml_node_t *el, char *out, size_t cap, size_t *len, int mode)
{
	mxml_node_t *n;
	size_t used = 0;
	int full = 0;

	out[0] = '\0';
	for (n = mxmlGetFirstChild(el); n; n = mxmlGetNextSibling(n)) {
		const char *s = NULL;
		size_t sl, room;

		if (mxmlGetType(n) == MXML_OPAQUE)
			s = mxmlGetOpaque(n);
		else if ((s = mxmlGetCDATA(n)) == NULL && !is_comment(n))
			return S3MPU_E_XML_DOCUMENT;
		if (s == NULL || full)
			continue;
		sl = strlen(s);
		room = cap - 1 - used;
		if (sl > room) {
			if (mode != COPY_TRUNCATE)
				return S3MPU_E_XML_SIZE;
			memcpy(out + used, s, room);
			used = utf8_cut(out, used + room);
			full = 1;
		} else {
			memcpy(out + used, s, sl);
			used += sl;
		}
	}
	out[used] = '\0';
	if (len)
		*len = used;
	return S3MPU_OK;
}

/* Optional child `name` of `parent` into out[cap] ("" when absent). */
static int copy_opt(mxml_node_t *parent, const char *name, char *out, size_t cap, int mode)
{
	mxml_node_t *el = child(parent, name);

	if (el == NULL) {
		out[0] = '\0';
		return S3MPU_OK;
	}
	return text_copy(el, out, cap, NULL, mode);
}

/* Required child `name` of `parent` into out[cap]. */
static int copy_req(mxml_node_t *parent, const char *name, char *out, size_t cap, size_t *len)
{
	mxml_node_t *el = child(parent, name);

	if (el == NULL)
		return S3MPU_E_XML_DOCUMENT;
	return text_copy(el, out, cap, len, COPY_STRICT);
}

/*
 * Child `name` as a plain decimal number no greater than `max` (XML
 * whitespace around it allowed). `*present` (may be NULL) says whether the
 * element exists; an absent or, when `empty_ok`, empty one gives 0.
 */
static int number_opt(mxml_node_t *parent, const char *name, uint64_t max, int empty_ok,
	uint64_t *v, int *present)
{
	char buf[48];
	const char *p;
	mxml_node_t *el = child(parent, name);
	uint64_t x = 0;
	int rc;

	*v = 0;
	if (present)
		*present = el != NULL;
	if (el == NULL)
		return S3MPU_OK;
	rc = text_copy(el, buf, sizeof buf, NULL, COPY_STRICT);
	if (rc != S3MPU_OK)
		return rc == S3MPU_E_XML_SIZE ? S3MPU_E_XML_DOCUMENT : rc;
	for (p = buf; xml_space((unsigned char)*p); p++)
		;
	if (*p == '\0')
		return empty_ok ? S3MPU_OK : S3MPU_E_XML_DOCUMENT;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (max - d) / 10)
			return S3MPU_E_XML_DOCUMENT;
		x = x * 10 + d;
	}
	for (; xml_space((unsigned char)*p); p++)
		;
	if (*p != '\0')
		return S3MPU_E_XML_DOCUMENT;
	*v = x;
	return S3MPU_OK;
}

/* Optional child `name` as "true" or "false" (absent: false). */
static int bool_opt(mxml_node_t *parent, const char *name, int *v)
{
	char buf[16];
	const char *p;
	size_t n;
	mxml_node_t *el = child(parent, name);
	int rc;

	*v = 0;
	if (el == NULL)
		return S3MPU_OK;
	rc = text_copy(el, buf, sizeof buf, NULL, COPY_STRICT);
	if (rc != S3MPU_OK)
		return rc == S3MPU_E_XML_SIZE ? S3MPU_E_XML_DOCUMENT : rc;
	for (p = buf; xml_space((unsigned char)*p); p++)
		;
	for (n = strlen(p); n > 0 && xml_space((unsigned char)p[n - 1]); n--)
		;
	if (n == 4 && memcmp(p, "true", 4) == 0)
		*v = 1;
	else if (!(n == 5 && memcmp(p, "false", 5) == 0))
		return S3MPU_E_XML_DOCUMENT;
	return S3MPU_OK;
}

/*
 * Load `xml` (with the sentinel appended) under a fresh top node into
 * `*top_out`, which the caller then owns (mxmlDelete it); on error nothing
 * is left.
 */
static int doc_read(const char *xml, size_t len, mxml_node_t **top_out)
{
	mxml_node_t *top, *n;
	char *copy;
	size_t used = 0;
	int rc;

	copy = malloc(len + sizeof xml_tail);
	if (copy == NULL)
		return S3MPU_E_NOMEM;
	rc = xml_prepare((const unsigned char *)xml, len, copy, &used);
	if (rc != S3MPU_OK) {
		free(copy);
		return rc;
	}
	memcpy(copy + used, xml_tail, sizeof xml_tail);

	top = mxmlNewElement(MXML_NO_PARENT, XML_TOP_NAME);
	if (top == NULL) {
		free(copy);
		return S3MPU_E_NOMEM;
	}
	mxmlSetErrorCallback(xml_quiet);
	/* Opaque text keeps spaces; mxml decodes entities either way. Most
	 * allocation failures inside mxml make it fail as if malformed. */
	n = mxmlLoadString(top, copy, MXML_OPAQUE_CALLBACK);
	free(copy);
	if (n != top) {
		mxmlDelete(top);
		return S3MPU_E_XML;
	}
	*top_out = top;
	return S3MPU_OK;
}

/*
 * Every node under `top` is an element or text, with its name or text
 * there: mxml does not check the strdup of a name or text (mxml-node.c,
 * mxmlNewElement, mxmlNewOpaque): out of memory, it leaves NULL in the
 * tree, which would read as missing text.
 */
static int doc_check_nodes(mxml_node_t *top)
{
	mxml_node_t *n;

	for (n = mxmlWalkNext(top, top, MXML_DESCEND); n; n = mxmlWalkNext(n, top, MXML_DESCEND)) {
		mxml_type_t type = mxmlGetType(n);
		if ((type == MXML_ELEMENT && mxmlGetElement(n) == NULL) ||
			(type == MXML_OPAQUE && mxmlGetOpaque(n) == NULL))
			return S3MPU_E_NOMEM;
		if (type != MXML_ELEMENT && type != MXML_OPAQUE)
			return S3MPU_E_XML;
	}
	return S3MPU_OK;
}

/* The top level of `top`: whitespace, <?...?> and comments around exactly
 * one element, the root, and the sentinel last. */
static mxml_node_t *doc_root(mxml_node_t *top)
{
	mxml_node_t *n, *root = NULL;
	int ended = 0;

	for (n = mxmlGetFirstChild(top); n; n = mxmlGetNextSibling(n)) {
		const char *name;

		if (ended)
			return NULL;
		if (mxmlGetType(n) == MXML_OPAQUE) {
			const char *s = mxmlGetOpaque(n);
			if (s != NULL && !all_space(s))
				return NULL;
			continue;
		}
		if (mxmlGetType(n) != MXML_ELEMENT)
			return NULL;
		name = mxmlGetElement(n);
		if (name[0] == '?' || is_comment(n))
			continue;
		if (name[0] == '!')
			return NULL; /* <!DOCTYPE ...> or CDATA outside the root */
		if (mxmlGetNextSibling(n) == NULL && strcmp(name, XML_SENTINEL) == 0 &&
			mxmlGetFirstChild(n) == NULL) {
			ended = 1;
			continue;
		}
		if (root != NULL)
			return NULL;
		root = n;
	}
	return ended ? root : NULL;
}

/*
 * Load `xml` under a fresh top node and find its root element. On success
 * the caller owns `*top` (mxmlDelete it); on error nothing is left.
 */
static int doc_load(const char *xml, size_t len, mxml_node_t **top_out, mxml_node_t **root_out)
{
	mxml_node_t *top = NULL;
	int rc;

	*top_out = *root_out = NULL;
	if (len > S3MPU_XML_MAX)
		return S3MPU_E_XML_SIZE;
	if (xml == NULL && len != 0)
		return S3MPU_E_ARGUMENT;
	if (len == 0)
		return S3MPU_E_XML;
	if ((rc = doc_read(xml, len, &top)) != S3MPU_OK)
		return rc;
	rc = doc_check_nodes(top);
	if (rc == S3MPU_OK && (*root_out = doc_root(top)) == NULL)
		rc = S3MPU_E_XML;
	if (rc != S3MPU_OK) {
		mxmlDelete(top);
		return rc;
	}
	*top_out = top;
	return S3MPU_OK;
}

/* The fields of an <Error> root into `err`. */
static int error_fill(mxml_node_t *root, s3mpu_s3_error *err)
{
	int rc;

	memset(err, 0, sizeof *err);
	if ((rc = copy_opt(root, "Code", err->code, sizeof err->code, COPY_STRICT)) != S3MPU_OK ||
		(rc = copy_opt(root, "Message", err->message, sizeof err->message,
			 COPY_TRUNCATE)) != S3MPU_OK ||
		(rc = copy_opt(root, "RequestId", err->request_id, sizeof err->request_id,
			 COPY_STRICT)) != S3MPU_OK ||
		(rc = copy_opt(root, "HostId", err->host_id, sizeof err->host_id, COPY_TRUNCATE)) !=
			S3MPU_OK ||
		(rc = copy_opt(root, "StringToSign", err->string_to_sign,
			 sizeof err->string_to_sign, COPY_TRUNCATE)) != S3MPU_OK ||
		(rc = copy_opt(root, "CanonicalRequest", err->canonical_request,
			 sizeof err->canonical_request, COPY_TRUNCATE)) != S3MPU_OK) {
		memset(err, 0, sizeof *err);
		return rc;
	}
	return S3MPU_OK;
}

/*
 * Load a body expected to have root `want`. An <Error> root gives
 * S3MPU_E_S3 with `err` (may be NULL) filled; any other root
 * S3MPU_E_XML_DOCUMENT. On S3MPU_OK the caller mxmlDeletes `*top`.
 */
/*
 * True if a root named `name` is the document `want`. S3's answers are named
 * "...Result"; moto answers "...Response" for Complete and ListParts, and the
 * AWS SDKs and boto3 read the content whatever the root is called. Taking
 * that one other spelling keeps any other root an error.
 */
static int root_is(const char *name, const char *want)
{
	static const char result[] = "Result";
	size_t n = strlen(want), stem = n - (sizeof result - 1);

	if (strcmp(name, want) == 0)
		return 1;
	return n > sizeof result - 1 && strcmp(want + stem, result) == 0 &&
		strncmp(name, want, stem) == 0 && strcmp(name + stem, "Response") == 0;
}

static int doc_open(const char *xml, size_t len, const char *want, mxml_node_t **top,
	mxml_node_t **root, s3mpu_s3_error *err)
{
	const char *name;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof *err);
	rc = doc_load(xml, len, top, root);
	if (rc != S3MPU_OK)
		return rc;
	name = local_name(*root);
	if (root_is(name, want))
		return S3MPU_OK;
	if (strcmp(name, "Error") == 0) {
		s3mpu_s3_error scratch;
		rc = error_fill(*root, err != NULL ? err : &scratch);
		if (rc == S3MPU_OK)
			rc = S3MPU_E_S3;
	} else {
		rc = S3MPU_E_XML_DOCUMENT;
	}
	mxmlDelete(*top);
	*top = *root = NULL;
	return rc;
}

/* see s3mpu.h */
int s3mpu_response_parse_error(const char *xml, size_t len, s3mpu_s3_error *err)
{
	mxml_node_t *top, *root;
	int rc;

	if (err == NULL)
		return S3MPU_E_ARGUMENT;
	rc = doc_open(xml, len, "Error", &top, &root, err);
	if (rc != S3MPU_OK)
		return rc;
	rc = error_fill(root, err);
	mxmlDelete(top);
	return rc;
}

/* see s3mpu.h */
int s3mpu_response_parse_create_multipart_upload(
	const char *xml, size_t len, s3mpu_create_multipart_upload_result *res, s3mpu_s3_error *err)
{
	mxml_node_t *top, *root;
	size_t id_len = 0;
	int rc;

	if (res == NULL)
		return S3MPU_E_ARGUMENT;
	memset(res, 0, sizeof *res);
	rc = doc_open(xml, len, "InitiateMultipartUploadResult", &top, &root, err);
	if (rc != S3MPU_OK)
		return rc;
	if ((rc = copy_opt(root, "Bucket", res->bucket, sizeof res->bucket, COPY_STRICT)) ==
			S3MPU_OK &&
		(rc = copy_opt(root, "Key", res->key, sizeof res->key, COPY_STRICT)) == S3MPU_OK &&
		(rc = copy_req(root, "UploadId", res->upload_id, sizeof res->upload_id, &id_len)) ==
			S3MPU_OK &&
		id_len == 0)
		rc = S3MPU_E_XML_DOCUMENT;
	mxmlDelete(top);
	if (rc != S3MPU_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

/* see s3mpu.h */
int s3mpu_response_parse_complete_multipart_upload(const char *xml, size_t len,
	s3mpu_complete_multipart_upload_result *res, s3mpu_s3_error *err)
{
	mxml_node_t *top, *root;
	int rc;

	if (res == NULL)
		return S3MPU_E_ARGUMENT;
	memset(res, 0, sizeof *res);
	rc = doc_open(xml, len, "CompleteMultipartUploadResult", &top, &root, err);
	if (rc != S3MPU_OK)
		return rc;
	/* The Location is informative only, and a long key percent-encodes to
	 * more than its field holds: then it is left empty, not fatal. */
	rc = copy_opt(root, "Location", res->location, sizeof res->location, COPY_STRICT);
	if (rc == S3MPU_E_XML_SIZE) {
		res->location[0] = '\0';
		rc = S3MPU_OK;
	}
	if (rc == S3MPU_OK &&
		(rc = copy_opt(root, "Bucket", res->bucket, sizeof res->bucket, COPY_STRICT)) ==
			S3MPU_OK &&
		(rc = copy_opt(root, "Key", res->key, sizeof res->key, COPY_STRICT)) == S3MPU_OK)
		rc = copy_opt(root, "ETag", res->etag, sizeof res->etag, COPY_STRICT);
	mxmlDelete(top);
	if (rc != S3MPU_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

/* The part's flexible checksum (the first of ChecksumCRC32, ChecksumCRC32C,
 * ChecksumSHA256 present), as Complete needs it back. */
static int part_checksum(mxml_node_t *el, s3mpu_part *part)
{
	int alg, rc;

	for (alg = S3MPU_CHECKSUM_CRC32; alg <= S3MPU_CHECKSUM_SHA256; alg++) {
		const char *name = checksum_kind_of(alg)->element.ptr;
		if (child(el, name) == NULL)
			continue;
		rc = copy_req(el, name, part->checksum, sizeof part->checksum, &part->checksum_len);
		if (rc != S3MPU_OK || part->checksum_len > 0)
			return rc;
	}
	return S3MPU_OK;
}

/* One <Part> of ListParts into `entry` (an s3mpu_part). */
static int part_fill(mxml_node_t *el, void *entry)
{
	s3mpu_part *part = entry;
	uint64_t v;
	int rc, present;

	memset(part, 0, sizeof *part);
	if ((rc = number_opt(el, "PartNumber", UINT32_MAX, 0, &v, &present)) != S3MPU_OK)
		return rc;
	if (!present)
		return S3MPU_E_XML_DOCUMENT;
	part->number = (uint32_t)v;
	if ((rc = copy_req(el, "ETag", part->etag, sizeof part->etag, &part->etag_len)) !=
			S3MPU_OK ||
		(rc = number_opt(el, "Size", UINT64_MAX, 0, &part->size, NULL)) != S3MPU_OK ||
		(rc = copy_opt(el, "LastModified", part->last_modified, sizeof part->last_modified,
			 COPY_STRICT)) != S3MPU_OK)
		return rc;
	return part_checksum(el, part);
}

/* One <Upload> of ListMultipartUploads into `entry` (an s3mpu_upload). */
static int upload_fill(mxml_node_t *el, void *entry)
{
	s3mpu_upload *up = entry;
	size_t id_len = 0;
	int rc;

	memset(up, 0, sizeof *up);
	if ((rc = copy_req(el, "Key", up->key, sizeof up->key, NULL)) != S3MPU_OK ||
		(rc = copy_req(el, "UploadId", up->upload_id, sizeof up->upload_id, &id_len)) !=
			S3MPU_OK ||
		(rc = copy_opt(el, "Initiated", up->initiated, sizeof up->initiated,
			 COPY_STRICT)) != S3MPU_OK)
		return rc;
	if (id_len == 0)
		return S3MPU_E_XML_DOCUMENT;
	return copy_opt(
		el, "StorageClass", up->storage_class, sizeof up->storage_class, COPY_STRICT);
}

/* A list document: its root, the element of one entry, how an entry is
 * read, and how the fields after the entries are read and cleared. */
typedef struct {
	const char *root;
	const char *entry;
	int (*entry_fill)(mxml_node_t *el, void *entry);
	int (*tail_fill)(mxml_node_t *root, void *result);
	void (*tail_clear)(void *result);
} list_doc;

/* An array of entries the caller gave: `cap` entries of `size` bytes. */
typedef struct {
	void *base;
	size_t size;
	size_t cap;
} list_array;

/*
 * Parse a `doc` body into `result` and its `entries`; `*count` gets the
 * number of entries in the document (kept on S3MPU_E_SPACE, when it is
 * over the capacity). Entries past the capacity are still checked.
 */
static int list_parse(const list_doc *doc, const char *xml, size_t len, void *result,
	list_array entries, size_t *count, s3mpu_s3_error *err)
{
	union {
		s3mpu_part part;
		s3mpu_upload upload;
	} scratch;
	mxml_node_t *top, *root, *n;
	size_t found = 0;
	int rc;

	*count = 0;
	doc->tail_clear(result);
	if (entries.base == NULL && entries.cap != 0)
		return S3MPU_E_ARGUMENT;
	rc = doc_open(xml, len, doc->root, &top, &root, err);
	if (rc != S3MPU_OK)
		return rc;
	for (n = mxmlGetFirstChild(root); n && rc == S3MPU_OK; n = mxmlGetNextSibling(n)) {
		void *entry = &scratch;
		if (!is_element(n) || strcmp(local_name(n), doc->entry) != 0)
			continue;
		if (found == S3MPU_XML_LIST_MAX) {
			rc = S3MPU_E_XML_SIZE;
			break;
		}
		if (found < entries.cap)
			entry = (char *)entries.base + found * entries.size;
		rc = doc->entry_fill(n, entry);
		found++;
	}
	if (rc == S3MPU_OK)
		rc = doc->tail_fill(root, result);
	mxmlDelete(top);

	if (rc == S3MPU_OK && found > entries.cap)
		rc = S3MPU_E_SPACE;
	if (rc != S3MPU_OK) {
		doc->tail_clear(result);
		found = rc == S3MPU_E_SPACE ? found : 0;
	}
	*count = found;
	return rc;
}

static void parts_clear(void *result)
{
	s3mpu_list_parts_result *res = result;
	res->is_truncated = 0;
	res->next_part_number_marker = 0;
}

static int parts_tail(mxml_node_t *root, void *result)
{
	s3mpu_list_parts_result *res = result;
	uint64_t marker;
	int rc = bool_opt(root, "IsTruncated", &res->is_truncated);

	if (rc == S3MPU_OK &&
		(rc = number_opt(root, "NextPartNumberMarker", UINT32_MAX, 1, &marker, NULL)) ==
			S3MPU_OK)
		res->next_part_number_marker = (uint32_t)marker;
	return rc;
}

static const list_doc list_parts_doc = {
	"ListPartsResult",
	"Part",
	part_fill,
	parts_tail,
	parts_clear,
};

/* see s3mpu.h */
int s3mpu_response_parse_list_parts(
	const char *xml, size_t len, s3mpu_list_parts_result *res, s3mpu_s3_error *err)
{
	list_array parts;

	if (err != NULL)
		memset(err, 0, sizeof *err);
	if (res == NULL)
		return S3MPU_E_ARGUMENT;
	parts.base = res->parts;
	parts.size = sizeof *res->parts;
	parts.cap = res->part_cap;
	return list_parse(&list_parts_doc, xml, len, res, parts, &res->part_count, err);
}

static void uploads_clear(void *result)
{
	s3mpu_list_multipart_uploads_result *res = result;
	res->is_truncated = 0;
	res->next_key_marker[0] = '\0';
	res->next_upload_id_marker[0] = '\0';
}

static int uploads_tail(mxml_node_t *root, void *result)
{
	s3mpu_list_multipart_uploads_result *res = result;
	int rc;

	if ((rc = bool_opt(root, "IsTruncated", &res->is_truncated)) == S3MPU_OK &&
		(rc = copy_opt(root, "NextKeyMarker", res->next_key_marker,
			 sizeof res->next_key_marker, COPY_STRICT)) == S3MPU_OK)
		rc = copy_opt(root, "NextUploadIdMarker", res->next_upload_id_marker,
			sizeof res->next_upload_id_marker, COPY_STRICT);
	return rc;
}

static const list_doc list_uploads_doc = {
	"ListMultipartUploadsResult",
	"Upload",
	upload_fill,
	uploads_tail,
	uploads_clear,
};

/* see s3mpu.h */
int s3mpu_response_parse_list_multipart_uploads(
	const char *xml, size_t len, s3mpu_list_multipart_uploads_result *res, s3mpu_s3_error *err)
{
	list_array uploads;

	if (err != NULL)
		memset(err, 0, sizeof *err);
	if (res == NULL)
		return S3MPU_E_ARGUMENT;
	uploads.base = res->uploads;
	uploads.size = sizeof *res->uploads;
	uploads.cap = res->upload_cap;
	return list_parse(&list_uploads_doc, xml, len, res, uploads, &res->upload_count, err);
}
