# Scrapy's COMMANDS_MODULE: each module is the scrapy command of its name.
# May import what crawl/ may import.
