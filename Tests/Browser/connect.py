#!/usr/bin/env python3
"""Drives headless Chromium through SyncBridge's connect flow, as an end user would.

    connect.py MODE LINK_URL [SUBDOMAIN]

MODE is `allow` or `deny` (the button clicked on Zendesk's consent page), `allow-hostile` (like allow, but first
plants a `base_url` field in SyncBridge's form, as a hostile end user could), or `open` (only open the link). Prints
one JSON line: the final URL, the title of every page seen, and whether the hostile field was sent.
The browser stops at the app's redirect_uri (nothing listens there): its URL is the outcome.
"""
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(flag)
    options.binary_location = os.environ.get("SYNCBRIDGE_TEST_CHROMIUM", "/usr/bin/chromium")
    service = Service(os.environ.get("SYNCBRIDGE_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def main():
    mode, link = sys.argv[1], sys.argv[2]
    subdomain = sys.argv[3] if len(sys.argv) > 3 else None
    driver = browser()
    titles = []
    try:
        driver.set_page_load_timeout(30)
        wait = WebDriverWait(driver, 30)
        driver.get(link)
        titles.append(driver.title)
        if mode != "open" and driver.find_elements(By.ID, "continue"):
            fields = driver.find_elements(By.ID, "subdomain")
            if fields and subdomain:
                fields[0].send_keys(subdomain)
            if mode == "allow-hostile":
                driver.execute_script(
                    "const f = document.querySelector('form'); const i = document.createElement('input');"
                    "i.type = 'hidden'; i.name = 'base_url'; i.value = 'http://evil.example'; f.appendChild(i);"
                )
            driver.find_element(By.ID, "continue").click()
            button = "deny" if mode == "deny" else "allow"
            wait.until(EC.element_to_be_clickable((By.ID, button)))
            titles.append(driver.title)
            try:
                driver.find_element(By.ID, button).click()
                # The app's redirect_uri has no server: wait until the browser has tried to go there.
                wait.until(lambda d: "/oauth/callback" not in d.current_url and "/oauth/authorizations" not in d.current_url)
            except WebDriverException:
                pass
        print(json.dumps({"url": driver.current_url, "titles": titles, "hostile": mode == "allow-hostile"}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
