# The SVG whitelist. svglite already escapes every text it writes (titles, labels, level
# names become &lt; &amp; ... inside <text>), so user text cannot become markup. This check
# is the second wall: every tag must be a plain SVG element from the list, every attribute
# from the list, no attribute value may reference anything outside the document, and the
# only CDATA allowed is svglite's own CSS. An SVG that fails is an error, never returned.

# The one allow-list, shared with the server's own check (svg-allow.json beside this file).
local({
  allow <- jsonlite::fromJSON(file.path(.panthr_dir, "svg-allow.json"))
  assign(".panthr_svg_elements", allow$elements, envir = globalenv())
  assign(".panthr_svg_attrs", allow$attributes, envir = globalenv())
})
.panthr_svg_bad_value <- "(?i)(javascript|vbscript|data)\\s*:|url\\s*\\(\\s*[^#\\s]|expression\\s*\\(|@import|&#|\\\\"

.panthr_svg_attr_re <- "([A-Za-z_:][-A-Za-z0-9_:.]*)\\s*=\\s*('[^']*'|\"[^\"]*\")"
.panthr_svg_attr_joined_re <- "([A-Za-z_:][-A-Za-z0-9_:.]*)\\s*=\\s*('[^'>]*'|\"[^\">]*\")"

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
  bad <- .panthr_svg_tag_problem(tags)
  if (!is.null(bad)) .panthr_svg_fail(bad)
  # Text between tags: only escaped text (no stray "<" survives the tag split above).
  text <- gsub("<[^>]*>", "", body)
  if (grepl("<|&(?!(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)", text, perl = TRUE))
    .panthr_svg_fail("text content")
  svg
}

# The first problem of the first bad tag, in the order a loop over the tags would meet it
# (unterminated, element, each attribute's name then value, leftover syntax); NULL if none.
# Every tag is checked at once by vectorised regexes: a scatter plot has a tag per point,
# and a loop in R took ~9 s for 20,000 of them (this takes ~0.4 s).
.panthr_svg_tag_problem <- function(tags) {
  unterminated <- !endsWith(tags, ">")
  m <- regexpr("^</?([A-Za-z][A-Za-z0-9]*)", tags, perl = TRUE)
  from <- attr(m, "capture.start")[, 1L]
  element <- substring(tags, from, from + attr(m, "capture.length")[, 1L] - 1L)
  bad_element <- m < 0L | !(element %in% .panthr_svg_elements)
  rest <- substring(tags, attr(m, "match.length") + 1L, nchar(tags) - 1L)
  # All attributes in one regex pass over the insides joined by ">", which none holds (the
  # joined pattern's values may not hold it either, so no match runs into the next tag).
  joined <- paste(rest, collapse = ">")
  found <- gregexpr(.panthr_svg_attr_joined_re, joined, perl = TRUE)
  flat <- regmatches(joined, found)[[1L]]
  at <- found[[1L]][found[[1L]] > 0L]
  owner <- findInterval(at, cumsum(c(1L, nchar(rest) + 1L)))
  attr_name <- sub("\\s*=.*$", "", flat)
  bad_name <- !(attr_name %in% .panthr_svg_attrs)
  bad_attr <- which(bad_name | grepl(.panthr_svg_bad_value, flat, perl = TRUE))
  first_bad_attr <- bad_attr[match(seq_along(tags), owner[bad_attr])]
  left <- gsub(.panthr_svg_attr_re, "", rest, perl = TRUE)
  bad_syntax <- !grepl("^\\s*/?\\s*$", left)
  i <- which(unterminated | bad_element | !is.na(first_bad_attr) | bad_syntax)[1L]
  if (is.na(i)) return(NULL)
  if (unterminated[[i]]) return("unterminated tag")
  if (bad_element[[i]]) return(paste0("element ", substr(tags[[i]], 1L, 40L)))
  a <- first_bad_attr[[i]]
  if (!is.na(a)) return(if (bad_name[[a]]) paste0("attribute ", attr_name[[a]]) else "attribute value")
  "tag syntax"
}
