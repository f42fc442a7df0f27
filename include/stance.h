/*
 * stance.h: the public API of libstance, one header a module.
 */
#ifndef STANCE_H
#define STANCE_H

#include "stance/common.h"
#include "stance/date.h"
#include "stance/document.h"
#include "stance/repo.h"
#include "stance/store.h"
#include "stance/history.h"
#include "stance/sync.h"
#include "stance/positions.h"
#include "stance/diff.h"
#include "stance/render.h"
#include "stance/words.h"
#include "stance/import.h"
#include "stance/manifest.h"
#include "stance/batch.h"
#include "stance/extract.h"
#include "stance/fetch.h"
#include "stance/source.h"
#include "stance/warc.h"
#include "stance/site.h"
#include "stance/blame.h"
#include "stance/pickaxe.h"
#include "stance/search.h"
#include "stance/revcache.h"

#endif
