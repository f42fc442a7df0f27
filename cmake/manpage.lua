-- manpage.lua: pandoc filter that turns a command page of docs/commands/
-- into a man page: the "# stance NAME" title gives NAME (the page's first
-- sentence its one-line description), the usage block SYNOPSIS, the text
-- before the first "##" DESCRIPTION; the "##" sections become the page's
-- sections. Links to another command page read "stance-NAME(1)", links to
-- the other documents name their file under docs/. A two-column table
-- (option | what it does) becomes the man page's usual list of terms.

local function first_sentence(blocks)
  for _, b in ipairs(blocks) do
    if b.t == "Para" then
      local text = pandoc.utils.stringify(b)
      text = text:gsub("%s+", " ")
      local s = text:match("^(.-)%.%s") or text:match("^(.-)%.$") or text
      s = s:gsub("%s*%b()", "")       -- no asides in parentheses
      s = s:match("^(.-):%s") or s    -- up to a colon that opens a list
      if #s > 80 then                 -- a long one ends at its first clause
        local comma = s:find(", ", 30, true)
        if comma then s = s:sub(1, comma - 1) end
      end
      s = s:gsub("^%u", string.lower, 1)
      return s
    end
  end
  return ""
end

local function link_text(link)
  local target = link.target
  local cmd = target:match("^([%w-]+)%.md$") or target:match("^([%w-]+)%.md#")
  if cmd then
    local page = cmd == "stance" and "stance" or "stance-" .. cmd
    return { pandoc.Strong({ pandoc.Str(page) }), pandoc.Str("(1)") }
  end
  local doc = target:match("^%.%./([^#]+%.md)")
  if doc then
    local out = pandoc.List(link.content)
    out:insert(pandoc.Str(" (docs/" .. doc .. ")"))
    return out
  end
  return nil
end

local function table_to_list(tbl)
  if #tbl.colspecs ~= 2 then
    return nil
  end
  local items = pandoc.List()
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local cells = row.cells
      local term = pandoc.utils.blocks_to_inlines(cells[1].contents)
      items:insert({ term, { cells[2].contents } })
    end
  end
  return pandoc.DefinitionList(items)
end

local function section(b)
  if b.t == "Header" then
    b.level = math.max(1, b.level - 1)
    if b.level == 1 then
      return pandoc.Header(1, pandoc.utils.stringify(b):upper())
    end
  end
  return b
end

function Pandoc(doc)
  local blocks = doc.blocks
  local name = doc.meta.title and pandoc.utils.stringify(doc.meta.title) or "stance"
  local out = pandoc.List()
  local i = 1
  -- the title heading
  if blocks[i] and blocks[i].t == "Header" and blocks[i].level == 1 then
    i = i + 1
  end
  -- the usage block(s) right after it
  local synopsis = pandoc.List()
  while blocks[i] and blocks[i].t == "CodeBlock" do
    synopsis:insert(blocks[i])
    i = i + 1
  end
  -- the description: up to the first section
  local description = pandoc.List()
  while blocks[i] and not (blocks[i].t == "Header" and blocks[i].level <= 2) do
    description:insert(blocks[i])
    i = i + 1
  end
  out:insert(pandoc.Header(1, "NAME"))
  out:insert(pandoc.Para({ pandoc.Str(name .. " - " .. first_sentence(description)) }))
  if #synopsis > 0 then
    out:insert(pandoc.Header(1, "SYNOPSIS"))
    out:extend(synopsis)
  end
  out:insert(pandoc.Header(1, "DESCRIPTION"))
  out:extend(description)
  while blocks[i] do
    out:insert(section(blocks[i]))
    i = i + 1
  end
  doc.blocks = out
  return doc:walk({ Link = link_text, Table = table_to_list })
end
