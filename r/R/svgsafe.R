# The SVG whitelist. svglite already escapes every text it writes (titles, labels, level
# names become &lt; &amp; ... inside <text>), so user text cannot become markup. This check
# is the second wall: every tag must be a plain SVG element from the list, every attribute
# from the list, no attribute value may reference anything outside the document, and the
# only CDATA allowed is svglite's own CSS. An SVG that fails is an error, never returned.

.panthr_svg_elements <- c("svg", "defs", "style", "clipPath", "g", "rect", "line",
                          "polyline", "polygon", "path", "circle", "ellipse", "text", "tspan")
.panthr_svg_attrs <- c("xmlns", "xmlns:xlink", "class", "width", "height", "viewBox", "type",
                       "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
                       "points", "d", "style", "transform", "text-anchor", "textLength",
                       "lengthAdjust", "clip-path", "fill", "stroke", "font-family",
                       "font-size", "font-weight", "font-style", "dominant-baseline")
.panthr_svg_bad_value <- "(?i)(javascript|vbscript|data)\\s*:|url\\s*\\(\\s*[^#\\s]|expression\\s*\\(|@import|&#|\\\\"

.panthr_svg_fail <- function(what) {
  panthr_stop("r_error", "the graph's SVG failed the safety check (", what, ")")
}

#' Check an SVG document against the whitelist (see the file's header).
#' @param svg character(1): the document.
#' @return svg unchanged when it passes; an r_error otherwise.
.panthr_svg_check <- function(svg) {
  body <- sub("^<\\?xml version='1\\.0' encoding='UTF-8' \\?>\\s*", "", svg)
  # svglite's CSS block: fixed text, but checked anyway (no markup, imports or URLs).
  cdata <- regmatches(body, gregexpr("<!\\[CDATA\\[.*?\\]\\]>", body))[[1L]]
  for (block in cdata) {
    if (grepl("<|>", substring(block, 10L, nchar(block) - 3L)) ||
        grepl(.panthr_svg_bad_value, block, perl = TRUE)) .panthr_svg_fail("style block")
  }
  body <- gsub("<!\\[CDATA\\[.*?\\]\\]>", "", body)
  tags <- regmatches(body, gregexpr("<[^>]*>?", body))[[1L]]
  if (!length(tags) || !startsWith(tags[[1L]], "<svg ")) .panthr_svg_fail("root element")
  attr_re <- "([A-Za-z_:][-A-Za-z0-9_:.]*)\\s*=\\s*('[^']*'|\"[^\"]*\")"
  for (tag in tags) {
    if (!endsWith(tag, ">")) .panthr_svg_fail("unterminated tag")
    m <- regmatches(tag, regexec("^</?([A-Za-z][A-Za-z0-9]*)", tag))[[1L]]
    if (length(m) < 2L || !(m[[2L]] %in% .panthr_svg_elements))
      .panthr_svg_fail(paste0("element ", substr(tag, 1L, 40L)))
    rest <- substring(tag, nchar(m[[1L]]) + 1L, nchar(tag) - 1L)
    attrs <- regmatches(rest, gregexpr(attr_re, rest, perl = TRUE))[[1L]]
    for (a in attrs) {
      name <- sub("\\s*=.*$", "", a)
      if (!(name %in% .panthr_svg_attrs)) .panthr_svg_fail(paste0("attribute ", name))
      if (grepl(.panthr_svg_bad_value, a, perl = TRUE)) .panthr_svg_fail("attribute value")
    }
    left <- gsub(attr_re, "", rest, perl = TRUE)
    if (!grepl("^\\s*/?\\s*$", left)) .panthr_svg_fail("tag syntax")
  }
  # Text between tags: only escaped text (no stray "<" survives the tag split above).
  text <- gsub("<[^>]*>", "", body)
  if (grepl("<|&(?!(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)", text, perl = TRUE))
    .panthr_svg_fail("text content")
  svg
}
